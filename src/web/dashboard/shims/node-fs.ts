/** The browser has no files: the offline page reads dropped bytes through src/web/bytes-source.ts. */
function unavailable(): never {
  throw new Error('file access is not available in the browser');
}
export const createReadStream = unavailable;
export const open = unavailable;
export const stat = unavailable;
export const readFile = unavailable;
export default { createReadStream, open, stat, readFile };
