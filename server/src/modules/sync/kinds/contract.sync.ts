import { ORDER_STAGES, type OrderStage } from '@ot/shared';
import { Field, InputType, Int } from 'type-graphql';
import { Contract, ContractClause, OrderStageEnum, SilenceMeans } from '../../order/contract.entity.js';
import type { Customer } from '../../order/customer.entity.js';
import type { SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';

const MAX_CLAUSES = 50;
const MAX_CLAUSE_TEXT = 4000;

@InputType()
export class FeeScheduleEntryInput {
  @Field(() => OrderStageEnum)
  stage!: OrderStage;
  @Field(() => String, { description: 'Decimal fraction from 0 to 1, e.g. "0.10"' })
  rate!: string;
}

@InputType()
export class ContractSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  number?: string | null;
  @Field(() => String, { nullable: true })
  title?: string | null;
  @Field(() => String, { nullable: true })
  customerExternalId?: string | null;
  @Field(() => Int, { nullable: true })
  noticeDays?: number | null;
  @Field(() => [FeeScheduleEntryInput], { nullable: true, description: 'One rate per order stage' })
  feeSchedule?: FeeScheduleEntryInput[] | null;
  @Field(() => [ContractClause], { nullable: true })
  clauses?: ContractClause[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Default false' })
  customerConfirmationRequired?: boolean | null;
  @Field(() => Int, { nullable: true })
  replyWorkingDays?: number | null;
  @Field(() => SilenceMeans, { nullable: true })
  silenceMeans?: SilenceMeans | null;
  @Field(() => String, { nullable: true, description: 'ISO date; default: the day the contract is first synced' })
  validFrom?: string | null;
}

export const contractSync: SyncKind<ContractSyncInput, Contract> = {
  kind: SyncRecordKind.CONTRACT,
  field: 'contracts',
  entity: Contract,
  refKind: 'contract',
  naturalKey: { property: 'number', path: 'number', value: (row) => row.number?.trim() },
  check(row, c) {
    c.text('number', row.number, 32);
    c.text('title', row.title, 200);
    c.text('customerExternalId', row.customerExternalId, 128);
    c.int('noticeDays', row.noticeDays, 0, 3650);
    const schedule = row.feeSchedule ?? [];
    if (!schedule.length) c.fail('feeSchedule', 'REQUIRED', 'feeSchedule needs a rate for each order stage.');
    const stages = new Set<string>();
    schedule.forEach((entry, i) => {
      c.oneOf(`feeSchedule[${i}].stage`, entry.stage, ORDER_STAGES);
      if (stages.has(entry.stage)) c.fail(`feeSchedule[${i}].stage`, 'INVALID', `Stage ${entry.stage} appears twice.`);
      stages.add(entry.stage);
      c.rate(`feeSchedule[${i}].rate`, entry.rate);
    });
    const clauses = row.clauses ?? [];
    if (clauses.length > MAX_CLAUSES) c.fail('clauses', 'TOO_LONG', `At most ${MAX_CLAUSES} clauses.`);
    clauses.slice(0, MAX_CLAUSES).forEach((clause, i) => {
      c.text(`clauses[${i}].code`, clause.code, 32);
      c.text(`clauses[${i}].titleZh`, clause.titleZh, 200);
      c.text(`clauses[${i}].titleEn`, clause.titleEn, 200);
      c.text(`clauses[${i}].textZh`, clause.textZh, MAX_CLAUSE_TEXT);
      c.text(`clauses[${i}].textEn`, clause.textEn, MAX_CLAUSE_TEXT);
    });
    c.int('replyWorkingDays', row.replyWorkingDays, 1, 60, true);
    c.date('validFrom', row.validFrom, true);
  },
  references: (row) =>
    row.customerExternalId ? [{ path: 'customerExternalId', kind: 'customer', externalId: row.customerExternalId.trim() }] : [],
  apply({ em }, row, existing, refs) {
    const values = {
      number: row.number!.trim(),
      title: row.title!.trim(),
      customer: refs.get<Customer>('customer', row.customerExternalId!.trim()),
      noticeDays: row.noticeDays!,
      feeSchedule: (row.feeSchedule ?? []).map((e) => ({ stage: e.stage, rate: e.rate.trim() })),
      clauses: (row.clauses ?? []).map((cl) => ({
        code: cl.code.trim(),
        titleZh: cl.titleZh.trim(),
        titleEn: cl.titleEn.trim(),
        textZh: cl.textZh.trim(),
        textEn: cl.textEn.trim(),
      })),
      customerConfirmationRequired: row.customerConfirmationRequired ?? false,
      replyWorkingDays: row.replyWorkingDays ?? null,
      silenceMeans: row.silenceMeans ?? null,
    };
    if (existing) {
      Object.assign(existing, values);
      if (row.validFrom) existing.validFrom = row.validFrom;
      return { entity: existing };
    }
    return { entity: em.create(Contract, { ...values, validFrom: row.validFrom ?? new Date().toISOString().slice(0, 10) }) };
  },
};
