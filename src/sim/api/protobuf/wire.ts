/** Reading the protobuf wire format: varints, fixed-width numbers and length-delimited fields. */

/** A field's key: its number and how its value is encoded. */
export interface FieldKey {
  number: number;
  wireType: number;
}

/** Thrown for bytes that are not valid protobuf. */
export class WireError extends Error {}

/** A cursor over one message's bytes. */
export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  key(): FieldKey {
    const k = this.varint();
    return { number: Number(k >> 3n), wireType: Number(k & 7n) };
  }

  /** An unsigned varint, as a bigint (int64 values may exceed 2^53). */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new WireError('unexpected end of data in a varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** A length-delimited value's bytes. */
  bytes(): Uint8Array {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) throw new WireError('length-delimited field runs past the end of the message');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  fixed64(): Uint8Array {
    return this.take(8);
  }

  fixed32(): Uint8Array {
    return this.take(4);
  }

  /** Skips a value of a field the schema does not name. */
  skip(wireType: number): void {
    switch (wireType) {
      case 0: this.varint(); return;
      case 1: this.take(8); return;
      case 2: this.bytes(); return;
      case 5: this.take(4); return;
      default: throw new WireError(`unsupported wire type ${wireType}`);
    }
  }

  private take(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new WireError('unexpected end of data');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** A varint read as a signed integer of `bits` (proto int32/int64 are two's complement). */
export function signed(value: bigint, bits: 32 | 64): number {
  return Number(BigInt.asIntN(bits, value));
}
