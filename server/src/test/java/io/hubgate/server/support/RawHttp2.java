package io.hubgate.server.support;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Frame;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2HeadersFrame;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ResetFrame;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2StreamChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2StreamChannelBootstrap;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A bare HTTP/2 client (grpc-java's own shaded Netty codec, no gRPC on top): sends a request's
 * HEADERS and one DATA frame of bytes the test chooses — gRPC's 5-byte message prefix included —
 * so a test can send frames no gRPC client would (reserved flag bits, a compressed flag without
 * {@code grpc-encoding}, a stream that ends mid-message, an upper-case header name). Reads the status from the trailers.
 * Plaintext, prior knowledge; one connection per instance.
 */
public final class RawHttp2 implements AutoCloseable {

    /** What came back: {@code grpc-status} and {@code grpc-message}, or the reset code. */
    public record Answer(Integer grpcStatus, String grpcMessage, Long resetCode) {
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel connection;
    private final String authority;

    public RawHttp2(int port) throws InterruptedException {
        this.authority = "127.0.0.1:" + port;
        this.connection = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            }
        }).connect("127.0.0.1", port).sync().channel();
    }

    /** The gRPC length prefix: a flags byte, then the length as four big-endian bytes. */
    public static byte[] frame(int flags, int declaredLength, byte[] body) {
        byte[] framed = new byte[5 + body.length];
        framed[0] = (byte) flags;
        framed[1] = (byte) (declaredLength >>> 24);
        framed[2] = (byte) (declaredLength >>> 16);
        framed[3] = (byte) (declaredLength >>> 8);
        framed[4] = (byte) declaredLength;
        System.arraycopy(body, 0, framed, 5, body.length);
        return framed;
    }

    /** POSTs {@code data} to {@code /fullMethodName} with these extra headers, ending the stream. */
    public Answer post(String fullMethodName, Map<String, String> extraHeaders, byte[] data) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new SimpleChannelInboundHandler<Http2Frame>() {
            @Override
            protected void channelRead0(ChannelHandlerContext context, Http2Frame frame) {
                if (frame instanceof Http2HeadersFrame headers && headers.headers().contains("grpc-status")) {
                    CharSequence message = headers.headers().get("grpc-message");
                    answer.complete(new Answer(Integer.parseInt(headers.headers().get("grpc-status").toString()),
                            message == null ? null : message.toString(), null));
                }
            }

            /** Netty hands a stream's RST_STREAM to its channel as an event, not as a read. */
            @Override
            public void userEventTriggered(ChannelHandlerContext context, Object event) {
                if (event instanceof Http2ResetFrame reset) {
                    answer.complete(new Answer(null, null, reset.errorCode()));
                }
            }

            /** The connection went away (a GOAWAY) without an answer on this stream. */
            @Override
            public void channelInactive(ChannelHandlerContext context) {
                answer.complete(new Answer(null, null, null));
            }
        }).open().sync().getNow();
        // Not validated here: a test may send header names and values a careful client would refuse.
        Http2Headers headers = new DefaultHttp2Headers(false).method("POST").scheme("http").authority(authority).path("/" + fullMethodName)
                .add("content-type", "application/grpc").add("te", "trailers");
        extraHeaders.forEach(headers::add);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).sync();
        // Not awaited: the gateway may already have reset the stream on its headers alone.
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(data), true));
        return answer.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
