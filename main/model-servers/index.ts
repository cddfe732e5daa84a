export { modelServerArgv, startModelServer, attachModelServer, type ModelServerSpec, type RunningModelServer } from './launch.ts';
export { publishProfile } from './profile.ts';
export { ModelServerManager, type ModelServerLease } from './manager.ts';
