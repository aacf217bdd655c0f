/**
 * An intrusive doubly linked list: O(1) append, remove and head, no allocation per entry. Used instead
 * of a Map's insertion order because reading the first entry of a Map after many deletes walks over
 * the deleted slots.
 */
export interface Links<T> {
  prev: T | undefined;
  next: T | undefined;
  /** The list the node is in (one at a time). */
  list: object | undefined;
}

export class LinkedList<T extends Links<T>> {
  head: T | undefined;
  tail: T | undefined;
  size = 0;

  /** Appends the node (moving it to the end if it is already in a list). */
  push(node: T): void {
    if (node.list) (node.list as LinkedList<T>).remove(node);
    node.list = this;
    node.prev = this.tail;
    node.next = undefined;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.size++;
  }

  remove(node: T): void {
    if (node.list !== this) return;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = node.list = undefined;
    this.size--;
  }

  clear(): void {
    for (let n = this.head; n; ) {
      const next: T | undefined = n.next;
      n.prev = n.next = n.list = undefined;
      n = next;
    }
    this.head = this.tail = undefined;
    this.size = 0;
  }
}

/** A node that points at a value, for a second list the value cannot link itself into. */
export class Holder<V> implements Links<Holder<V>> {
  prev: Holder<V> | undefined;
  next: Holder<V> | undefined;
  list: object | undefined;
  constructor(readonly value: V) {}
}
