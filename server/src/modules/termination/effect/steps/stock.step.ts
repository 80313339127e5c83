import { LockMode } from '@mikro-orm/core';
import { Reservation, ReservationStatus } from '../../../inventory/reservation.entity.js';
import { StockLevel } from '../../../inventory/stock-level.entity.js';
import { planReservationReleases } from '../effect-plan.js';
import type { EffectStep } from '../effect-step.js';

/** Stock reserved for the terminated lines is released, wholly or in part. */
export const stockStep: EffectStep = {
  name: 'effect.stock',
  async run(scope, { impact }) {
    const { em } = scope;
    if (!impact.reservations.length) return;
    const reservations = await em.find(
      Reservation,
      { id: { $in: impact.reservations.map((r) => r.reservationId) }, status: ReservationStatus.ACTIVE },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const now = new Date();
    for (const release of planReservationReleases(impact.reservations, reservations)) {
      const reservation = reservations.find((r) => r.id === release.reservationId)!;
      const { quantity } = release;
      if (release.whole) {
        reservation.status = ReservationStatus.RELEASED;
        reservation.releasedAt = now;
      } else {
        // Partly released: the rest stays reserved, the released part is kept as a record.
        reservation.quantity -= quantity;
        em.create(Reservation, {
          salesOrderLine: reservation.salesOrderLine,
          warehouse: reservation.warehouse,
          product: reservation.product,
          quantity,
          status: ReservationStatus.RELEASED,
          releasedAt: now,
        });
      }
      // Relative update: never overwrite a concurrent change to the same stock row.
      await em
        .getConnection()
        .execute(
          `update stock_level set reserved = reserved - ? where warehouse_id = ? and product_id = ?`,
          [quantity, reservation.warehouse.id, reservation.product.id],
          'run',
          em.getTransactionContext(),
        );
    }
    // Stock rows changed behind the identity map; make later reads in this transaction see it.
    for (const level of em.getUnitOfWork().getIdentityMap().values()) {
      if (level instanceof StockLevel) em.getUnitOfWork().unsetIdentity(level);
    }
  },
};
