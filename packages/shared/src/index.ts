export * from './departments.js';
export * from './roles.js';
export * from './errors.js';
export * from './lifecycle.js';
export * from './orders.js';
export * from './limits.js';
export * from './fees.js';
export * from './passwords.js';
