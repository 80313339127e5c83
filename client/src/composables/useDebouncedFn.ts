import { onScopeDispose } from 'vue';

/** `fn` runs once calls have paused for `ms`; `flush` runs a pending call now. Cancelled with the component. */
export function useDebouncedFn(fn: () => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  onScopeDispose(cancel);
  return {
    run() {
      cancel();
      timer = setTimeout(() => {
        timer = undefined;
        fn();
      }, ms);
    },
    flush() {
      cancel();
      fn();
    },
    cancel,
  };
}
