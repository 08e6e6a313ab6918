"""Mail goes through SMTP when configured, to the outbox otherwise."""

from email import message_from_bytes, policy

from shelter.mail import outbox_path, send_mail


def test_mail_reaches_the_smtp_server(app, mailbox):
    send_mail("quelqu.un@example.org", "Sujet accentué é", "Corps du message\n")
    [message] = mailbox.messages
    assert message["To"] == "quelqu.un@example.org"
    assert message["Subject"] == "Sujet accentué é"
    assert "Corps du message" in mailbox.body(message)
    assert message["Message-ID"]


def test_without_a_server_mail_goes_to_the_outbox(app, mailbox):
    app.config["MAIL_SERVER"] = ""
    send_mail(
        "quelqu.un@example.org", "Sujet", "Corps\n", headers={"List-Unsubscribe": "<https://x>"}
    )
    [path] = list(outbox_path().glob("*.eml"))
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Sujet"
    assert message["List-Unsubscribe"] == "<https://x>"
    assert mailbox.messages == []


def test_an_unreachable_server_keeps_the_message(app, caplog):
    app.config["MAIL_SERVER"] = "127.0.0.1"
    app.config["MAIL_PORT"] = 9  # discard: nothing listens there
    app.config["MAIL_TIMEOUT"] = 2
    send_mail("quelqu.un@example.org", "Sujet", "Corps\n")
    assert len(list(outbox_path().glob("*.eml"))) == 1
    assert "could not send mail" in caplog.text
