package io.hubgate.server;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.rpc.ErrorDetailsProto;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes {@code google/rpc/error_details.proto} reachable through server reflection, so that
 * tools which decode a status's details by reflection (grpcurl, ghz, Postman) show the
 * {@code ErrorInfo}, {@code BadRequest} and {@code RetryInfo} the API returns instead of
 * "not recognized". Reflection serves only the files of registered services and their imports,
 * and the API's protos do not import error_details.proto (no message field uses it; an unused
 * import fails {@code buf lint}); so the file descriptor that reflection serves for an API
 * service lists it as one more dependency. Nothing else changes: the same messages, services and
 * handlers. It does not touch what clients generate from {@code proto/}.
 */
final class ErrorDetailsSchema {

    private ErrorDetailsSchema() {
    }

    /** The same service, its reflected file importing error_details.proto too. */
    static ServerServiceDefinition declaredIn(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        if (!(original.getSchemaDescriptor() instanceof ProtoFileDescriptorSupplier supplier)) {
            return service;
        }
        FileDescriptor augmented = withErrorDetails(supplier.getFileDescriptor());
        ProtoFileDescriptorSupplier schema = () -> augmented;
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName()).setSchemaDescriptor(schema);
        service.getMethods().forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
        ServerServiceDefinition.Builder rebuilt = ServerServiceDefinition.builder(descriptor.build());
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            rebuilt.addMethod(method);
        }
        return rebuilt.build();
    }

    private static FileDescriptor withErrorDetails(FileDescriptor file) {
        FileDescriptor details = ErrorDetailsProto.getDescriptor();
        if (file.getDependencies().stream().anyMatch(d -> d.getName().equals(details.getName()))) {
            return file;
        }
        FileDescriptorProto proto = file.toProto().toBuilder().addDependency(details.getName()).build();
        List<FileDescriptor> dependencies = new ArrayList<>(file.getDependencies());
        dependencies.add(details);
        try {
            return FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException("cannot declare error_details.proto in " + file.getName(), e);
        }
    }
}
