// A tiny key-value wrapper over IndexedDB for what the customer app has
// shown (the overview), so a reload without network still shows it. The app
// writes it after each successful load and destroys it on sign-out: the
// server's Clear-Site-Data on logout clears cookies only.
//
// Never put tokens here: the access token lives in memory (api.ts) and the
// refresh token in an HttpOnly cookie.

const OBJECT_STORE = 'kv';

/** KeyValueStore is one IndexedDB database with one object store. */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** keys lists what is stored, for tests and sign-out checks. */
  keys(): Promise<string[]>;
  /** destroy empties the store, then deletes the whole database. */
  destroy(): Promise<void>;
}

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * openStore returns the store named name. The database is opened on first
 * use; factory defaults to the browser's indexedDB (tests pass a fake).
 */
export function openStore(name: string, factory: IDBFactory = globalThis.indexedDB): KeyValueStore {
  let db: Promise<IDBDatabase> | null = null;

  function open(): Promise<IDBDatabase> {
    if (!db) {
      db = new Promise<IDBDatabase>((resolve, reject) => {
        const req = factory.open(name, 1);
        req.onupgradeneeded = () => {
          req.result.createObjectStore(OBJECT_STORE);
        };
        req.onsuccess = () => {
          const conn = req.result;
          // Another tab deleting the database (its sign-out) must not wait
          // on this connection.
          conn.onversionchange = () => {
            conn.close();
            db = null;
          };
          resolve(conn);
        };
        req.onerror = () => reject(req.error ?? new Error(`IndexedDB open ${name} failed`));
        req.onblocked = () => reject(new Error(`IndexedDB open ${name} blocked`));
      });
      db.catch(() => {
        db = null;
      });
    }
    return db;
  }

  async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const conn = await open();
    const tx = conn.transaction(OBJECT_STORE, mode);
    const result = promised(fn(tx.objectStore(OBJECT_STORE)));
    await done(tx);
    return result;
  }

  return {
    async get<T>(key: string) {
      return (await run('readonly', (s) => s.get(key))) as T | undefined;
    },
    async set(key, value) {
      await run('readwrite', (s) => s.put(value, key));
    },
    async delete(key) {
      await run('readwrite', (s) => s.delete(key));
    },
    async keys() {
      const keys = await run('readonly', (s) => s.getAllKeys());
      return keys.map(String);
    },
    async destroy() {
      // Empty it first: if another tab holds the database open and the
      // delete is blocked, the data is gone all the same.
      await run('readwrite', (s) => s.clear());
      const conn = await open();
      conn.close();
      db = null;
      await new Promise<void>((resolve, reject) => {
        const req = factory.deleteDatabase(name);
        req.onsuccess = () => resolve();
        req.onerror = () => reject(req.error ?? new Error(`IndexedDB delete ${name} failed`));
        // Blocked: another tab is open; it closes on versionchange and the
        // delete then completes on its own. The data is already cleared.
        req.onblocked = () => resolve();
      });
    },
  };
}
