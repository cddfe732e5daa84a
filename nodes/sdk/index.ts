export * from './context.ts';
export * from './data-types.ts';
export * from './define.ts';
export * from './fields.ts';
export * from './host.ts';
export * from './served-model.ts';
export * from './template.ts';
export * from './thinking.ts';
