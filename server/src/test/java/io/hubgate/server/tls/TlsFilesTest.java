package io.hubgate.server.tls;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEM keys in the forms operators have, and errors that never show key material. */
class TlsFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsPkcs1AndPkcs8Keys() throws Exception {
        for (String algorithm : new String[]{"RSA"}) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            }
            KeyPair pair = generator.generateKeyPair();
            Path traditional = write("traditional-" + algorithm + ".pem", pair); // PKCS#1 "RSA PRIVATE KEY"
            Path pkcs8 = write("pkcs8-" + algorithm + ".pem", new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null));

            assertThat(TlsFiles.privateKey(traditional).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
            assertThat(TlsFiles.privateKey(pkcs8).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
        }
    }

    @Test
    void readsEcKeysInPkcs8() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Path pkcs8 = write("pkcs8-ec.pem", new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null));

        assertThat(TlsFiles.privateKey(pkcs8).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void fileWithoutKey_isRefusedNamingTheFile() throws Exception {
        Path empty = Files.writeString(dir.resolve("nothing.pem"), "not a key");

        assertThatThrownBy(() -> TlsFiles.privateKey(empty)).isInstanceOf(IOException.class).hasMessageContaining("nothing.pem");
        assertThatThrownBy(() -> TlsFiles.certificateChain(empty)).isInstanceOf(IOException.class).hasMessageContaining("holds no PEM certificate");
    }

    private Path write(String name, Object pem) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(pem);
        }
        return Files.writeString(dir.resolve(name), text.toString());
    }
}
