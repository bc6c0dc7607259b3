import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openStore } from './store';

describe('openStore', () => {
  it('keeps values across connections', async () => {
    const factory = new IDBFactory();
    const a = openStore('keyturn-test', factory);
    await a.set('overview', { customer: { first_name: 'Jane' }, agreements: [{ id: 1 }] });
    await a.set('other', 42);

    const b = openStore('keyturn-test', factory);
    expect(await b.get('overview')).toEqual({ customer: { first_name: 'Jane' }, agreements: [{ id: 1 }] });
    expect(await b.get('missing')).toBeUndefined();
    expect((await b.keys()).sort()).toEqual(['other', 'overview']);
  });

  it('overwrites and deletes single keys', async () => {
    const s = openStore('keyturn-test', new IDBFactory());
    await s.set('k', 1);
    await s.set('k', 2);
    expect(await s.get('k')).toBe(2);
    await s.delete('k');
    expect(await s.get('k')).toBeUndefined();
  });

  it('leaves nothing behind after destroy', async () => {
    const factory = new IDBFactory();
    const s = openStore('keyturn-test', factory);
    await s.set('overview', { secret: 'personal data' });
    await s.destroy();

    expect(await factory.databases()).toEqual([]);
    // Usable again afterwards (the next sign-in), and empty.
    expect(await s.keys()).toEqual([]);
  });

  it('clears the data even when another tab keeps the database open', async () => {
    const factory = new IDBFactory();
    const tab1 = openStore('keyturn-test', factory);
    const tab2 = openStore('keyturn-test', factory);
    await tab1.set('overview', { x: 1 });
    expect(await tab2.get('overview')).toEqual({ x: 1 });

    await tab1.destroy();
    // tab2 closed its connection on versionchange, so the delete went through.
    expect(await factory.databases()).toEqual([]);
    expect(await tab2.get('overview')).toBeUndefined();
  });
});
