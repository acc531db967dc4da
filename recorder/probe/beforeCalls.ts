/**
 * Replaces `owner[name]`, a function, with a Proxy of itself that runs `before(args, this)` before
 * each call, then calls it with the same `this` and arguments (its result or exception is the
 * caller's). What the program sees is unchanged: the Proxy has the function's name, length and
 * properties, and the property keeps its descriptor. Nothing is replaced where there is no such
 * function or the property cannot be changed. Returns the undo: the original comes back unless
 * something else replaced it since (then that stays).
 */
export function beforeCalls(owner: any, name: string, before: (args: unknown[], thisArg: unknown) => void): () => void {
  const descriptor = owner && Object.getOwnPropertyDescriptor(owner, name);
  const original = descriptor?.value;
  if (typeof original !== 'function' || (!descriptor.writable && !descriptor.configurable)) return () => undefined;
  const wrapped = new Proxy(original, {
    apply(target, thisArg, args) {
      before(args, thisArg);
      return Reflect.apply(target, thisArg, args);
    },
  });
  Object.defineProperty(owner, name, { ...descriptor, value: wrapped });
  return () => {
    if (owner[name] === wrapped) Object.defineProperty(owner, name, { ...descriptor, value: original });
  };
}
