/**
 * Browser stand-in for `safer-buffer`, through which iconv-lite (src/sources/codepage.ts) takes
 * Node's Buffer: the `buffer` package, Node's Buffer API for browsers (the trailing slash names the
 * package, not the Node built-in).
 */
export { Buffer } from 'buffer/';
