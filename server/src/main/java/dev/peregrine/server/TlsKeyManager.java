package dev.peregrine.server;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's certificate and key for a listener other than the HTTP one (the gRPC face), following
 * every renewal that {@link FileWatch} reloads: each handshake asks this manager, which delegates to
 * the key manager of the files as last loaded.
 *
 * <p>A handshake asks for an alias first and for that alias's chain and key afterwards; a renewal can
 * land in between. Aliases are therefore handed out tagged with the generation of the key manager
 * that chose them, and the chain and key are taken from that same generation (the current one or the
 * one before), so a handshake never mixes an old alias with new files.
 *
 * <p>Thread safety: {@link #update} from the file-watch thread, the rest from any handshake thread.
 */
final class TlsKeyManager extends X509ExtendedKeyManager {

    /** A key manager with the number of the load it came from. */
    private record Generation(long number, X509ExtendedKeyManager keys) {
        String tag(String alias) {
            return alias == null ? null : number + ":" + alias;
        }
    }

    private volatile Generation current;
    private volatile Generation previous;

    /** @param factory the key managers of the files as loaded at start */
    TlsKeyManager(KeyManagerFactory factory) {
        this.current = new Generation(0, x509(factory));
        this.previous = current;
    }

    /** @param factory the key managers of the files as just reloaded */
    void update(KeyManagerFactory factory) {
        Generation next = new Generation(current.number() + 1, x509(factory));
        previous = current;
        current = next;
    }

    private static X509ExtendedKeyManager x509(KeyManagerFactory factory) {
        for (KeyManager manager : factory.getKeyManagers()) {
            if (manager instanceof X509ExtendedKeyManager x509) {
                return x509;
            }
        }
        throw new IllegalArgumentException("the TLS files give no X.509 key manager");
    }

    /** The generation that handed out {@code alias}, or null when it is neither of the last two. */
    private Generation generationOf(String alias) {
        int colon = alias == null ? -1 : alias.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String number = alias.substring(0, colon);
        for (Generation g : new Generation[] {current, previous}) {
            if (Long.toString(g.number()).equals(number)) {
                return g;
            }
        }
        return null;
    }

    private static String untagged(String alias) {
        return alias.substring(alias.indexOf(':') + 1);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        Generation g = current;
        return g.tag(g.keys().chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Generation g = current;
        return g.tag(g.keys().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Generation g = current;
        String[] aliases = g.keys().getServerAliases(keyType, issuers);
        if (aliases == null) {
            return null;
        }
        String[] tagged = new String[aliases.length];
        for (int i = 0; i < aliases.length; i++) {
            tagged[i] = g.tag(aliases[i]);
        }
        return tagged;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Generation g = generationOf(alias);
        return g == null ? null : g.keys().getCertificateChain(untagged(alias));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Generation g = generationOf(alias);
        return g == null ? null : g.keys().getPrivateKey(untagged(alias));
    }

    /** A server has no client certificate to offer. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    /** A server has no client certificate to offer. */
    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
