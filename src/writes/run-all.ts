/** Runs every action in order (what a save does to the entity objects once it is durable). */
export function runAll(actions: readonly (() => void)[]): void {
  for (const action of actions) action();
}
