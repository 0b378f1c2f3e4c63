export * from './diff.ts';
export * from './restart-policy.ts';
export * from './patch.ts';
export * from './restart-refusal.ts';
export * from './restart-budget.ts';
