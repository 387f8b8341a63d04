import { foxtrot } from './foxtrot.ts';

// `foxtrot <command>`; `npm start` passes `run` and its own flags.
process.exitCode = await foxtrot(process.argv.slice(2));
// A stopped node leaves nothing that should keep the process alive; a stray handle must not hang the exit.
setTimeout(() => process.exit(), 1000).unref();
