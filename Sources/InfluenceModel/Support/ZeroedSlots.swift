import Foundation

/// `Int32` slots, zero until written, that widen in place: a value type (copied on write, as
/// `Array` is) over room reserved up front as address space, whose untouched pages are the
/// kernel's zero pages and cost no memory.
///
/// Made for the numbered keys' array (`NumberedKeys`), which widens by doubling as a file's
/// ids reach higher numbers. As a `ContiguousArray`, each widening zeroed a new array and
/// copied the old one into it: on a 10M-row export with 10.9M people, a chunk's array went
/// through 1, 2, 4, 8 and 16M slots, writing about three times its final 64 MB (zeroing them
/// was 5% of the samples of a `perf record` of `attribute` on it). Here widening is a change
/// of `count` while the room lasts; the slots past `count` are never written, so they are
/// still zero when a widening brings them in.
struct ZeroedSlots: @unchecked Sendable {
    // Sendable as `Array` is: the storage is written only through a reference known to be
    // unique (`makeUnique` before every write), so a copy shared with another thread is never
    // written while it is read.

    /// The slots in use.
    private(set) var count = 0
    private var storage: Storage?

    init() {}

    /// The slots that can be in use before the room is made again (and the slots copied).
    var capacity: Int { storage?.capacity ?? 0 }

    /// Widens to `newCount` slots (never narrows); the new slots are zero. When the present
    /// room is too small, room for `reserving` slots is made if that is mapped (1 MiB or
    /// more), so that later widenings up to it copy nothing; smaller room is only what is asked.
    mutating func widen(to newCount: Int, reserving: Int = 0) {
        guard newCount > count else { return }
        if newCount > capacity || !isKnownUniquelyReferenced(&storage) {
            var room = max(newCount, capacity)
            if reserving > room, reserving * MemoryLayout<Int32>.stride >= Storage.mappedFrom { room = reserving }
            move(toRoom: room)
        }
        count = newCount
    }

    subscript(index: Int) -> Int32 {
        get {
            precondition(index >= 0 && index < count, "ZeroedSlots: slot \(index) of \(count)")
            return storage!.base[index]
        }
        set {
            precondition(index >= 0 && index < count, "ZeroedSlots: slot \(index) of \(count)")
            makeUnique()
            storage!.base[index] = newValue
        }
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Int32>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage?.base, count: count))
    }

    mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Int32>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage?.base, count: count))
    }

    private mutating func makeUnique() {
        if storage != nil, !isKnownUniquelyReferenced(&storage) { move(toRoom: capacity) }
    }

    /// New room of `room` slots holding the slots in use.
    private mutating func move(toRoom room: Int) {
        let fresh = Storage(capacity: room)
        if let storage, count > 0 { fresh.base.update(from: storage.base, count: count) }
        storage = fresh
    }

    /// Room for `capacity` slots, all zero: mapped without backing (pages are made on first
    /// touch, already zero) from 1 MiB up, allocated and zeroed below that.
    final class Storage {
        let base: UnsafeMutablePointer<Int32>
        let capacity: Int
        private let mapped: Int

        static let mappedFrom = 1 << 20

        init(capacity: Int) {
            precondition(capacity >= 0 && capacity <= Int.max / 8, "ZeroedSlots: room for \(capacity) slots")
            let bytes = max(capacity, 1) * MemoryLayout<Int32>.stride
            self.capacity = capacity
            if bytes >= Self.mappedFrom {
                let pointer = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
                guard let pointer, pointer != MAP_FAILED else {
                    fatalError("ZeroedSlots: cannot map \(bytes) bytes (errno \(errno))")
                }
                HugePages.advise(UnsafeMutableRawBufferPointer(start: pointer, count: bytes))
                base = pointer.bindMemory(to: Int32.self, capacity: max(capacity, 1))
                mapped = bytes
            } else {
                base = .allocate(capacity: max(capacity, 1))
                base.initialize(repeating: 0, count: max(capacity, 1))
                mapped = 0
            }
        }

        deinit {
            if mapped > 0 {
                munmap(UnsafeMutableRawPointer(base), mapped)
            } else {
                base.deallocate()
            }
        }
    }
}
