package dev.recsys.generator.triton;

import com.google.protobuf.ByteString;
import dev.recsys.proto.inference.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Adds typed inputs to an inference request, as raw little-endian contents (Triton's wire form). */
final class InferInputs {
  private final ModelInferRequest.Builder request;

  InferInputs(ModelInferRequest.Builder request) {
    this.request = request;
  }

  InferInputs raw(String name, String datatype, ByteString contents, long... shape) {
    ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder().setName(name)
        .setDatatype(datatype);
    for (long d : shape) {
      t.addShape(d);
    }
    request.addInputs(t).addRawInputContents(contents);
    return this;
  }

  InferInputs bytes(String name, String value, long... shape) {
    return raw(name, "BYTES", BytesTensor.encode(List.of(value)), shape);
  }

  InferInputs bool(String name, boolean value, long... shape) {
    return raw(name, "BOOL", ByteString.copyFrom(new byte[] {(byte) (value ? 1 : 0)}), shape);
  }

  InferInputs int32(String name, int value, long... shape) {
    return raw(name, "INT32", ByteString.copyFrom(le(4).putInt(value).array()), shape);
  }

  InferInputs uint64(String name, long value, long... shape) {
    return raw(name, "UINT64", ByteString.copyFrom(le(8).putLong(value).array()), shape);
  }

  InferInputs fp32(String name, float value, long... shape) {
    return raw(name, "FP32", ByteString.copyFrom(le(4).putFloat(value).array()), shape);
  }

  InferInputs output(String name) {
    request.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(name));
    return this;
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
