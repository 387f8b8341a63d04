import { ordersBench } from './dist/bench/suites/orders.js';
const b = ordersBench;
const ctx = await b.setup(true);
for (let i = 0; i < 4; i++) console.log(await b.variants[process.argv[2] ?? 'actors-inline']({ ...ctx, count: 30000 }));
await b.teardown(ctx);
