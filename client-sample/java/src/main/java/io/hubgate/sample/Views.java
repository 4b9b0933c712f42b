package io.hubgate.sample;

import io.hubgate.api.v1.IdentityView;

/** The identity view a {@code --with-keys} flag asks for. */
final class Views {

    private Views() {
    }

    static IdentityView of(boolean withKeys) {
        return withKeys ? IdentityView.IDENTITY_VIEW_WITH_KEYS : IdentityView.IDENTITY_VIEW_BASIC;
    }
}
