package glassbox.model.tokenizer;

import java.util.Arrays;

/**
 * A binary min-heap of {@code long}s in one array, without boxing: the encoder keeps its
 * candidate merges here, packed as {@code rank << 32 | position}, up to one per byte of a piece.
 * The smallest value sits at index 0 and every node is at most its children (at 2i+1 and 2i+2).
 */
final class LongHeap {
    private long[] heap = new long[16];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    void push(long value) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, 2 * size);
        }
        // Put it last, then swap it up while it is smaller than its parent.
        int i = size++;
        while (i > 0 && heap[(i - 1) / 2] > value) {
            heap[i] = heap[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        heap[i] = value;
    }

    /** Removes and returns the smallest value; the heap must not be empty. */
    long pop() {
        long top = heap[0];
        long last = heap[--size];
        // Move the last value to the root, then swap it down past its smaller child while it is larger.
        int i = 0;
        while (2 * i + 1 < size) {
            int child = 2 * i + 1;
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= last) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return top;
    }
}
