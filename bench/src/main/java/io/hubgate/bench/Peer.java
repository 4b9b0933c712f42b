package io.hubgate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A language whose users the gateway serves, as a load driver under {@code bench/peers/<name>}:
 * its command, what its set-up leaves behind, and whether it has an official IoT Hub service SDK
 * to compare with (Go has none, so its only path is the gateway).
 */
enum Peer {
    PYTHON(List.of(".venv/bin/python", "peer.py"), List.of(".venv/bin/python", "gen/hubgate/v1/twin_pb2_grpc.py"), "azure-iot-hub"),
    NODE(List.of("node", "peer.js"), List.of("node_modules/.hubgate-setup-lock"), "azure-iothub"),
    GO(List.of("bin/peer"), List.of("bin/peer"), null);

    /** The folder of every peer, relative to the repository: each has a setup.sh, and setup-peers.sh sets them all up. */
    static final String FOLDER = "bench/peers";

    private final List<String> command;
    private final List<String> setUpFiles;
    private final String sdk;

    Peer(List<String> command, List<String> setUpFiles, String sdk) {
        this.command = command;
        this.setUpFiles = setUpFiles;
        this.sdk = sdk;
    }

    /** "python", as in --peers and the output. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The official service SDK's package it compares with, or null. */
    String sdk() {
        return sdk;
    }

    boolean hasSdk() {
        return sdk != null;
    }

    /**
     * Whether it runs the "health" workload: the gateway's Health/Check on its channel, a bare gRPC
     * round trip from that language's gRPC library (Node only, so far: its gateway/SDK ratio is the one
     * its client's own cost per call bounds).
     */
    boolean answersHealth() {
        return this == NODE;
    }

    Path folder(Path peersDirectory) {
        return peersDirectory.resolve(label());
    }

    /** The command that starts it: its own files by absolute path, a program on the PATH (node) by name. */
    List<String> command(Path peersDirectory) {
        List<String> absolute = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String part = command.get(i);
            absolute.add(i > 0 || part.contains("/") ? folder(peersDirectory).resolve(part).toString() : part);
        }
        return absolute;
    }

    /** Null when its set-up has run, else what to run. */
    String missingSetUp(Path peersDirectory) {
        for (String file : setUpFiles) {
            if (!Files.exists(folder(peersDirectory).resolve(file))) {
                return "the " + label() + " peer is not set up (no " + folder(peersDirectory).resolve(file) + "): run 'bash "
                        + peersDirectory.resolve("setup-peers.sh") + " " + label() + "' (mvn -pl bench -am verify does it)";
            }
        }
        return null;
    }

    /** The peers' folder: the one given, or bench/peers from the repository or peers from the bench module. */
    static Path directory(Path given) {
        if (given != null) {
            return given.toAbsolutePath().normalize();
        }
        for (Path candidate : List.of(Path.of(FOLDER), Path.of("peers"))) {
            if (Files.isRegularFile(candidate.resolve("setup-peers.sh"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("cannot find " + FOLDER + " from " + Path.of("").toAbsolutePath()
                + ": run the bench from the repository (or bench/), or give --peers-dir");
    }
}
