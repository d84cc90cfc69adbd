import type Database from 'better-sqlite3';

/**
 * Inserts of many rows per statement: one native call per chunk of rows instead of one per row,
 * which is most of the bulk-path cost in better-sqlite3. Values are written into one reusable
 * parameter array; the statement for a full chunk is prepared once, the shorter tail statements are
 * cached by row count. With `INSERT OR IGNORE`, `changes` counts only the rows actually inserted,
 * so duplicates = rows offered − inserted. `suffix` (e.g. an ON CONFLICT … DO UPDATE clause) makes
 * it a bulk upsert.
 */
export type RowWriter<T> = (values: unknown[], offset: number, item: T) => void;

export interface BulkInsertOptions {
  /** `INSERT OR IGNORE` (default) or `INSERT`. */
  verb?: string;
  suffix?: string;
  /** SQLite allows 32766 bound parameters per statement; stay well under. */
  maxParams?: number;
}

export class BulkInsert {
  private readonly statements = new Map<number, Database.Statement>();
  private readonly rowsPerStatement: number;
  private readonly buffer: unknown[];
  private readonly verb: string;
  private readonly suffix: string;
  private length = 0;
  private insertedSinceReset = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
    private readonly columns: readonly string[],
    options: BulkInsertOptions = {},
  ) {
    this.verb = options.verb ?? 'INSERT OR IGNORE';
    this.suffix = options.suffix ?? '';
    this.rowsPerStatement = Math.max(1, Math.floor((options.maxParams ?? 4000) / columns.length));
    this.buffer = new Array(this.rowsPerStatement * columns.length).fill(null);
  }

  /** Appends one row: `write` puts the item's values at values[offset..offset+width). */
  add<T>(write: RowWriter<T>, item: T): void {
    write(this.buffer, this.length, item);
    this.length += this.columns.length;
    if (this.length === this.buffer.length) this.flush();
  }

  /** Runs the pending rows. */
  flush(): void {
    if (this.length === 0) return;
    const rows = this.length / this.columns.length;
    const params = rows === this.rowsPerStatement ? this.buffer : this.buffer.slice(0, this.length);
    this.insertedSinceReset += this.statement(rows).run(params).changes;
    this.length = 0;
  }

  /** Rows inserted since the last call (after flush()); resets the counter. */
  takeInserted(): number {
    const n = this.insertedSinceReset;
    this.insertedSinceReset = 0;
    return n;
  }

  /** Drops pending rows and the counter (after a failed transaction). */
  reset(): void {
    this.length = 0;
    this.insertedSinceReset = 0;
  }

  private statement(rows: number): Database.Statement {
    let stmt = this.statements.get(rows);
    if (stmt === undefined) {
      const tuple = `(${this.columns.map(() => '?').join(',')})`;
      const sql = `${this.verb} INTO ${this.table} (${this.columns.join(',')}) VALUES ${Array(rows).fill(tuple).join(',')}${this.suffix}`;
      stmt = this.db.prepare(sql);
      this.statements.set(rows, stmt);
    }
    return stmt;
  }
}
