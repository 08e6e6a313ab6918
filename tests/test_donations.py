"""Soutiens-nous: bank details checked when saved, laid out to copy, and the EPC payment QR code."""

from decimal import Decimal

import pytest
import zxingcpp
from flask_babel import format_currency

from shelter.extensions import db
from shelter.public.settings.services import save_site_settings
from shelter.public.support.donations import BankAccount, parse_amount, payment_qr, payment_qr_svg
from shelter.public.support.validation import (
    bic_problem,
    iban_problem,
    structured_communication_problem,
)
from tests.helpers import count_queries, page, words

HOLDER = "Collectif Hébergement Liège"
ACCOUNT = BankAccount(HOLDER, "BE68539007547034", "GEBABEBB", "+++090/9337/55493+++")


def decoded(qr) -> str:
    """Read the QR code back as a phone would: drawn to pixels, then decoded by zxing-cpp."""
    rows = [bytes(0 if dark else 255 for dark in row) for row in qr.matrix_iter(scale=4, border=4)]
    image = memoryview(b"".join(rows)).cast("B", (len(rows), len(rows[0])))
    [barcode] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return barcode.bytes.decode("utf-8")


def test_the_qr_code_carries_the_epc_fields_in_the_standards_order():
    qr = payment_qr(ACCOUNT, Decimal("25"), "Don")

    assert decoded(qr).split("\n") == [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        "GEBABEBB",  # BIC
        HOLDER,  # beneficiary
        "BE68539007547034",  # IBAN
        "EUR25",  # amount
        "",  # purpose
        "090933755493",  # structured remittance: the communication's 12 digits
    ]
    assert qr.error == "M" and qr.version <= 13


def test_without_structured_communication_nor_bic_the_text_goes_unstructured():
    account = BankAccount(HOLDER, "BE68539007547034")

    assert decoded(payment_qr(account, Decimal("7.50"), "Don")).split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "",
        HOLDER,
        "BE68539007547034",
        "EUR7.5",
        "",
        "",
        "Don",
    ]


@pytest.mark.parametrize(
    "iban",
    [
        "BE68 5390 0754 7034",
        "be68539007547034",
        "FR14 2004 1010 0505 0001 3M02 606",
        "DE89 3704 0044 0532 0130 00",
        "NL91ABNA0417164300",
    ],
)
def test_valid_ibans_pass(iban):
    assert iban_problem(iban) is None


@pytest.mark.parametrize(
    ("iban", "problem"),
    [
        ("BE68 5390 0754 7035", "faute de frappe"),  # one digit off: the checksum fails
        ("BE86 5390 0754 7034", "faute de frappe"),  # two digits swapped
        # A Belgian IBAN one digit short, with check digits made to match: wrong length.
        ("BE08 5390 0754 703", "la longueur ou la forme prévue pour son pays (BE)"),
        ("XX07 5390 0754 7034", "la longueur ou la forme prévue pour son pays (XX)"),
        ("123", "n'a pas la bonne forme"),
        ("BE68 5390 0754 7O34", "faute de frappe"),  # a letter O for a zero
        ("BE68 5390 0754 7034 !", "n'a pas la bonne forme"),
    ],
)
def test_bad_ibans_say_why(app, iban, problem):
    assert problem in str(iban_problem(iban))


def test_bic_and_structured_communication_are_checked(app):
    assert bic_problem("GEBABEBB") is None
    assert bic_problem("GEBABEBB021") is None
    assert "8 ou 11 caractères" in str(bic_problem("GEBA"))
    assert "8 ou 11 caractères" in str(bic_problem("GEBA1EBB"))
    assert structured_communication_problem("+++090/9337/55493+++") is None
    assert "faute de frappe" in str(structured_communication_problem("+++090/9337/55494+++"))
    assert "+++123/4567/89012+++" in str(structured_communication_problem("090933755493"))


def save_bank_details(coordinator_client, **fields):
    data = {
        "site_name": "Collectif Test",
        "account_holder": HOLDER,
        "iban": "be68 5390 0754 7034",
        "bic": "gebabebb",
        "structured_communication": "+++090/9337/55493+++",
    }
    data.update(fields)
    return coordinator_client.post("/gestion/site", data=data)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"iban": "BE68 5390 0754 7035"}, "Cet IBAN contient une faute de frappe"),
        ({"iban": "BE08 5390 0754 703"}, "la longueur ou la forme prévue pour son pays (BE)"),
        ({"bic": "GEBA1EBB"}, "Ce BIC n'a pas la bonne forme"),
        ({"account_holder": ""}, "Indique le titulaire du compte"),
        ({"account_holder": "x" * 71}, "70 caractères au maximum."),
    ],
)
def test_coordinators_cannot_save_wrong_bank_details(coordinator_client, fields, message):
    response = save_bank_details(coordinator_client, **fields)

    assert response.status_code == 400
    assert message in page(response)


def test_the_support_page_lays_the_details_out_to_copy(coordinator_client, client):
    assert save_bank_details(coordinator_client).status_code == 302
    client.post("/deconnexion")

    response = client.get("/soutiens-nous")

    assert response.status_code == 200
    groups = "".join(
        f'<span class="iban-group">{group}</span>' + ("" if group == "7034" else " ")
        for group in ("BE68", "5390", "0754", "7034")
    )
    assert f'<span id="bank-iban" class="iban">{groups}</span>' in response.text
    # The copy button copies the IBAN without spaces; copy buttons need the script to show.
    assert 'data-copy="bank-iban" data-copy-text="BE68539007547034"' in response.text
    assert response.text.count('class="secondary copy js-only"') == 4
    text = words(response)
    assert f"Bénéficiaire {HOLDER}" in text
    assert "BIC GEBABEBB" in text
    assert "Communication structurée +++090/9337/55493+++" in text
    # No amount chosen yet: the amounts to pick, no code.
    for amount in (5, 10, 25, 50):
        assert f'href="/soutiens-nous?montant={amount}#code-qr"' in response.text
    assert 'class="qr"' not in response.text


@pytest.mark.parametrize(
    ("asked", "amount", "shown"), [("25", "25", "25,00 €"), ("7,50", "7.50", "7,50 €")]
)
def test_picking_an_amount_shows_its_qr_code(app, coordinator_client, client, asked, amount, shown):
    save_bank_details(coordinator_client)
    client.post("/deconnexion")

    response = client.get(f"/soutiens-nous?montant={asked}")

    assert response.status_code == 200
    with app.test_request_context():
        title = f"Code QR du virement de {format_currency(Decimal(amount), 'EUR')}"
    assert str(payment_qr_svg(ACCOUNT, Decimal(amount), "Don", title)) in response.text
    assert f"Virement de {shown} à {HOLDER}, communication +++090/9337/55493+++." in (
        words(response)
    )
    if asked == "25":
        assert 'href="/soutiens-nous?montant=25#code-qr" aria-current="true"' in response.text


@pytest.mark.parametrize(
    "asked",
    ["abc", "0", "0,001", "-5", "1000000000", "5e3", "1" * 5000, "10 000", "%00", "١٠"],
)
def test_bad_amounts_get_a_message_and_a_400(coordinator_client, client, asked):
    save_bank_details(coordinator_client)
    client.post("/deconnexion")

    response = client.get("/soutiens-nous", query_string={"montant": asked})

    assert response.status_code == 400
    assert "Indique un montant en euros entre 0,01 et 999 999 999,99" in page(response)
    assert 'class="qr"' not in response.text


@pytest.mark.parametrize(
    ("text", "amount"),
    [("10", "10"), ("10,5", "10.5"), ("0,01", "0.01"), ("999999999,99", "999999999.99")],
)
def test_amounts_are_read_the_belgian_way_too(text, amount):
    assert parse_amount(text) == Decimal(amount)
    assert parse_amount(f" {text} €") == Decimal(amount)


def test_the_page_works_without_bank_details(client):
    response = client.get("/soutiens-nous?montant=10")

    assert response.status_code == 200
    assert "IBAN" not in words(response)


def test_the_support_page_costs_the_same_queries_with_a_qr_code(app, client):
    save_site_settings(
        {"account_holder": HOLDER, "iban": "BE68539007547034", "public_counter": True}
    )
    db.session.commit()

    def queries(path: str) -> int:
        with count_queries(db.engine) as statements:
            assert client.get(path).status_code == 200
        return len([statement for statement in statements if not statement.startswith("BEGIN")])

    assert queries("/soutiens-nous?montant=12") == queries("/soutiens-nous")
