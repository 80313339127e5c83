import type { EffectStep } from './effect-step.js';
import { customerRecordStep } from './steps/customer-record.step.js';
import { followUpsStep } from './steps/follow-ups.step.js';
import { messagesStep } from './steps/messages.step.js';
import { orderLinesStep } from './steps/order-lines.step.js';
import { purchaseOrdersStep } from './steps/purchase-orders.step.js';
import { settlementStep } from './steps/settlement.step.js';
import { stockStep } from './steps/stock.step.js';

/**
 * What taking effect does, in order. A new step is a file in steps/ and a line here; later steps
 * may read what earlier ones noted (the settlement, the tasks).
 */
export const EFFECT_STEP_LIST: readonly EffectStep[] = [
  orderLinesStep,
  purchaseOrdersStep,
  stockStep,
  settlementStep,
  followUpsStep,
  messagesStep,
  // Last: its relative update must not be overwritten by a step that loads the customer (messages).
  customerRecordStep,
];

/** The steps' names: their fault-injection points, one by one. */
export const EFFECT_STEPS = EFFECT_STEP_LIST.map((step) => step.name);
