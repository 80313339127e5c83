/**
 * Test-only fault injection: when FAULT_INJECTION=1 (refused in production), a test can make
 * a named step throw, to prove the surrounding transaction leaves nothing half-applied.
 */
export class FaultInjector {
  private readonly armed = new Set<string>();

  constructor(private readonly enabled: boolean) {}

  arm(point: string): void {
    if (!this.enabled) throw new Error('Fault injection is disabled (set FAULT_INJECTION=1 outside production).');
    this.armed.add(point);
  }

  disarm(point?: string): void {
    if (point) this.armed.delete(point);
    else this.armed.clear();
  }

  check(point: string): void {
    if (this.enabled && this.armed.has(point)) throw new Error(`Injected fault at ${point}`);
  }
}
