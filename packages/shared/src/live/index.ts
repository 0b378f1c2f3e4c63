export * from './diff.ts';
export * from './restart-policy.ts';
export * from './patch.ts';
export * from './restart-refusal.ts';
