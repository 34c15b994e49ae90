/**
 * Prototypes shared by every object built over the same table: each row of the table is a getter
 * that builds its member for the object it is read from (`build(row, target)`) and keeps it there
 * as an own property. An object holds only the members it has used, and a member read off the
 * object stays bound to it. `base` is the prototypes' own prototype (`Function.prototype` keeps
 * callable objects callable).
 */
export const sharedPrototypes = <Row>(base: object, build: (row: Row, target: object) => unknown) => {
  const prototypes = new WeakMap<object, object>()
  return (table: { readonly [name: string]: Row }): object => {
    const existing = prototypes.get(table)
    if (existing !== undefined) return existing
    const proto: object = Object.create(base)
    for (const [name, row] of Object.entries(table)) {
      Object.defineProperty(proto, name, {
        enumerable: true,
        configurable: true,
        get(this: object) {
          const member = build(row, this)
          Object.defineProperty(this, name, { value: member, enumerable: true, configurable: true, writable: true })
          return member
        }
      })
    }
    prototypes.set(table, proto)
    return proto
  }
}
