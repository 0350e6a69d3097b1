import Foundation

/// Text to be written in order, as pieces each made when it is wanted: a long listing (every
/// cascade, every person's score) is formatted piece by piece into a few buffers used again
/// and again while the pieces before it are written (`OutputFile.write(pieces:to:)`), rather
/// than all at once into fresh memory and then written.
///
/// Piece k's bytes are a function of k alone, so the text is the same bytes whatever made
/// the pieces, in whatever order and on whatever thread.
public struct OutputPieces: Sendable {
    /// How many pieces there are.
    public let count: Int
    /// Appends piece k's bytes to the buffer (which may hold bytes already).
    private let make: @Sendable (Int, inout [UInt8]) -> Void
    /// The pieces, when they were given made: written as they are, not copied first.
    private let made: [[UInt8]]?

    /// `count` pieces, piece k appended by `make(k, &out)`. `make` is called from any thread,
    /// possibly from several at once for different pieces; it must only read what it shares.
    public init(count: Int, _ make: @escaping @Sendable (Int, inout [UInt8]) -> Void) {
        self.count = max(0, count)
        self.make = make
        made = nil
    }

    /// Pieces already made.
    public init(_ chunks: [[UInt8]]) {
        count = chunks.count
        make = { k, out in out.append(contentsOf: chunks[k]) }
        made = chunks
    }

    /// `header` as the first piece, then rows `0 ..< count` in pieces of about `perPiece` rows
    /// each, piece k's rows appended by `rows(range, &out)` (called as `make` is).
    public init(header: [UInt8], rows count: Int, perPiece: Int, _ rows: @escaping @Sendable (Range<Int>, inout [UInt8]) -> Void) {
        let perPiece = max(1, perPiece)
        let parts = count > 0 ? Parallel.ranges(count, parts: (count + perPiece - 1) / perPiece) : []
        self.init(count: 1 + parts.count) { k, out in
            if k == 0 { out.append(contentsOf: header) } else { rows(parts[k - 1], &out) }
        }
    }

    /// Rows a piece of a long CSV listing holds: a few megabytes of text.
    static let rowsPerPiece = 32_768

    /// The pieces of each of `parts`, one after the other.
    public init(concatenating parts: [OutputPieces]) {
        let parts = parts.filter { $0.count > 0 }
        if parts.count == 1 {
            self = parts[0]
            return
        }
        // starts[s] is the first piece of parts[s]; the last entry is the count.
        var starts = [0]
        for part in parts { starts.append(starts[starts.count - 1] + part.count) }
        self.init(count: starts[starts.count - 1]) { [starts] k, out in
            // The last part starting at or before k (no part is empty).
            var (low, high) = (0, parts.count - 1)
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= k { low = middle } else { high = middle - 1 }
            }
            parts[low].append(k - starts[low], to: &out)
        }
    }

    /// Appends piece `k` (below `count`) to `out`.
    public func append(_ k: Int, to out: inout [UInt8]) {
        precondition(k >= 0 && k < count, "piece \(k) of \(count)")
        make(k, &out)
    }

    /// Every piece, in order, in one buffer.
    public func joined() -> [UInt8] {
        var out: [UInt8] = []
        for k in 0..<count { make(k, &out) }
        return out
    }

    /// Calls `write` with each piece in order, the pieces made ahead on `makers` other threads
    /// (none: made on the caller's thread between writes), and on the caller's while the
    /// piece it is to write next is not made, into at most `makers + 2` buffers that are used
    /// again once written; stops at the first error `write` returns (a nonzero `errno`) and
    /// returns it, or 0.
    ///
    /// The pieces ahead wait in their buffers: with each piece a few megabytes, the text never
    /// needs more memory than a few pieces, and the buffers' pages, touched once, are warm for
    /// the pieces after (a 960 MB document formatted in one go cleared 960 MB of fresh pages
    /// and copied pieces as they grew).
    func forEach(makers: Int, _ write: (UnsafeBufferPointer<UInt8>) -> Int32) -> Int32 {
        if let made {
            for piece in made {
                let failure = piece.withUnsafeBufferPointer(write)
                if failure != 0 { return failure }
            }
            return 0
        }
        var buffer: [UInt8] = []
        guard makers > 0, count > 1 else {
            for k in 0..<count {
                buffer.removeAll(keepingCapacity: true)
                make(k, &buffer)
                let failure = buffer.withUnsafeBufferPointer(write)
                if failure != 0 { return failure }
            }
            return 0
        }
        let line = PieceLine(count: count, buffers: makers + 2, makers: makers)
        let pieces = self
        for _ in 0..<makers {
            Thread.detachNewThread {
                defer { line.finished() }
                // Buffers are moved in and out of the line, never shared, so each is
                // written in place rather than copied.
                var out: [UInt8] = []
                while let k = line.nextToMake(into: &out) {
                    out.removeAll(keepingCapacity: true)
                    pieces.make(k, &out)
                    line.made(k, &out)
                }
            }
        }
        var failure: Int32 = 0
        var spare: [UInt8] = []
        for k in 0..<count {
            // While piece k is not made, the writer makes the next piece itself when there is
            // room for it: when making is slower than writing, every thread makes pieces.
            while let j = line.take(k, into: &buffer, orMakeIn: &spare) {
                spare.removeAll(keepingCapacity: true)
                make(j, &spare)
                line.made(j, &spare)
            }
            failure = buffer.withUnsafeBufferPointer(write)
            line.written(&buffer, failed: failure != 0)
            if failure != 0 { break }
        }
        line.waitForMakers()
        return failure
    }
}

/// The pieces between their makers and the writer (`OutputPieces.forEach`): which piece is
/// made next, the pieces made and not yet written, and the buffers free for more.
///
/// No deadlock: pieces are handed out in order, so when the writer waits for piece k, either
/// a maker has it or every piece handed out comes before k, has been written, and has given
/// its buffer back, so a buffer is free and the writer takes k itself. `@unchecked Sendable`
/// is sound: every field is read and written only while holding `condition`.
private final class PieceLine: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private var next = 0
    private var made: [Int: [UInt8]] = [:]
    private var free: [[UInt8]]
    private var stopped = false
    /// Makers whose thread has not ended.
    private var makers: Int

    init(count: Int, buffers: Int, makers: Int) {
        self.count = count
        self.makers = makers
        free = [[UInt8]](repeating: [], count: buffers)
    }

    /// The next piece to make, with a free buffer for it moved into `out`, or `nil` when none
    /// is left (or the writer stopped). Waits for a free buffer.
    func nextToMake(into out: inout [UInt8]) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let k = handOut(into: &out) { return k }
            if stopped || next == count { return nil }
            condition.wait()
        }
    }

    /// The next piece to make, with a free buffer moved into `out`, when one is left, the
    /// writer has not stopped and a buffer is free; `nil` otherwise. Called holding `condition`.
    private func handOut(into out: inout [UInt8]) -> Int? {
        guard !stopped, next < count, !free.isEmpty else { return nil }
        next += 1
        out = free.removeLast()
        return next - 1
    }

    /// Piece k, made in `out`, moved into the line (`out` is left empty).
    func made(_ k: Int, _ out: inout [UInt8]) {
        condition.lock()
        made[k] = out
        out = []
        condition.broadcast()
        condition.unlock()
    }

    /// For the writer, waiting for piece k: moves it into `out` and returns `nil` once it is
    /// made; until then, when a piece is left to make and a buffer is free, returns that
    /// piece for the writer to make, with the buffer moved into `spare`.
    func take(_ k: Int, into out: inout [UInt8], orMakeIn spare: inout [UInt8]) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let piece = made.removeValue(forKey: k) {
                out = piece
                return nil
            }
            if let j = handOut(into: &spare) { return j }
            condition.wait()
        }
    }

    /// Gives a written piece's buffer back (`out` is left empty); after a failed write no more
    /// pieces are handed out.
    func written(_ out: inout [UInt8], failed: Bool) {
        condition.lock()
        free.append(out)
        out = []
        if failed { stopped = true }
        condition.broadcast()
        condition.unlock()
    }

    /// A maker's thread ends.
    func finished() {
        condition.lock()
        makers -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Returns once every maker's thread has ended (none is handed another piece).
    func waitForMakers() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while makers > 0 { condition.wait() }
        condition.unlock()
    }
}
