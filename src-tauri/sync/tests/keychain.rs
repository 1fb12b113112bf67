//! Secrets in the OS keychain: stored, found for a run, replaced, removed
//! on disconnect, never in the portfolio; with no keychain, a message that
//! says what to do instead. The test suite runs inside a private D-Bus
//! session with GNOME Keyring unlocked (scripts/with-keyring.sh), where the
//! keychain must work (STEWARD_FULL_CHECKS).

use steward_core::store;
use steward_sync::{secrets, Vendor};

#[test]
fn a_secret_lives_in_the_keychain_and_never_in_the_portfolio() {
    let base = format!("http://127.0.0.1:9/keychain-test-{}", std::process::id());
    let stored = secrets::store(Vendor::Stripe, &base, "rk_test_secret_one");
    if let Err(e) = &stored {
        let message = e.to_string();
        assert!(
            std::env::var("STEWARD_FULL_CHECKS").is_err(),
            "the test session has a keychain, yet: {message}"
        );
        // No keychain: say so, and what still works.
        assert!(message.contains("keychain is not available"), "{message}");
        assert!(message.contains("environment variable"), "{message}");
        return;
    }
    // An environment variable, when set, wins for one run; this test
    // reads the keychain's.
    if std::env::var(Vendor::Stripe.env_var()).is_ok() {
        return;
    }
    assert_eq!(
        secrets::for_run(Vendor::Stripe, &base).expect("found"),
        "rk_test_secret_one"
    );
    secrets::store(Vendor::Stripe, &base, "rk_test_secret_two").expect("replace");
    assert_eq!(
        secrets::for_run(Vendor::Stripe, &base).expect("found"),
        "rk_test_secret_two"
    );
    assert!(secrets::is_stored(Vendor::Stripe, &base));

    // Disconnecting removes the connection and its secret; the portfolio
    // never held it.
    let dir = tempfile::tempdir().expect("tmp");
    let conn = store::open_in(dir.path()).expect("open");
    steward_sync::connect(&conn, Vendor::Stripe, &base, &Default::default()).expect("connect");
    drop(conn);
    let bytes = std::fs::read(dir.path().join(store::DB_FILE)).expect("read");
    assert!(!bytes
        .windows(b"rk_test_secret".len())
        .any(|w| w == b"rk_test_secret"));
    let conn = store::open_in(dir.path()).expect("open");
    steward_sync::disconnect(&conn, Vendor::Stripe).expect("disconnect");
    assert!(!secrets::is_stored(Vendor::Stripe, &base));
    let err = secrets::for_run(Vendor::Stripe, &base).expect_err("gone");
    assert!(err.to_string().contains("STEWARD_STRIPE_KEY"), "{err}");
}
