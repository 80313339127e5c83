import { ORDER_STATUSES, type OrderStatus } from '@ot/shared';
import { MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';
import { OrderStatusEnum, SalesOrder } from './sales-order.entity.js';

@InputType()
export class OrderFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Part of the customer name (Chinese or English), or from 3 characters on of the order number; any case',
  })
  @MaxLength(100)
  search?: string | null;

  @Field(() => [OrderStatusEnum], { nullable: true })
  status?: OrderStatus[] | null;

  @Field(() => String, { nullable: true })
  @MaxLength(32)
  customerCode?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(32)
  productSku?: string | null;
}

export const SalesOrderConnection = ConnectionType('SalesOrder', SalesOrder);
export type { OrderStatus };
export { ORDER_STATUSES };
