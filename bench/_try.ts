const { itemPersistence } = await import('./item-persistence.ts');
console.log(await itemPersistence());
console.log(await itemPersistence());
