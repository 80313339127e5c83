/** Still on order from the supplier: neither received nor cancelled. The impact, the effect and the API read it alike. */
export function openQuantity(line: { quantity: number; receivedQuantity: number; cancelledQuantity: number }): number {
  return line.quantity - line.receivedQuantity - line.cancelledQuantity;
}
