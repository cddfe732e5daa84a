const { cacheHitOverhead } = await import('./cache-hit-overhead.ts');
console.log(await cacheHitOverhead());
