"""The learning pages' texts in de, fr and ja: the source of
clc_ledger/translations/*/LC_MESSAGES/learning.po (the `learning` gettext domain, so that
the feature's catalog is its own file). Regenerate with
`python -m clc_ledger.learning.i18n.page_translations`."""
# msgid: (de, fr, ja)
ENTRIES = {
    "%(cert)s expires on %(date)s; %(gap)s CE credits still missing even counting pending and projected ones.": (
        "%(cert)s läuft am %(date)s ab; es fehlen %(gap)s CE-Credits, auch wenn man beantragte und erwartete mitzählt.",
        "%(cert)s expire le %(date)s ; il manque %(gap)s crédits CE, même en comptant ceux en attente et prévus.",
        "%(cert)s は %(date)s に期限切れ。審査中と見込みを含めても CE クレジットが %(gap)s 不足しています。"),
    "%(earned)s of %(required)s CE credits earned (%(pathway)s)": (
        "%(earned)s von %(required)s CE-Credits erworben (%(pathway)s)",
        "%(earned)s crédits CE obtenus sur %(required)s (%(pathway)s)",
        "CE クレジット %(required)s のうち %(earned)s 取得（%(pathway)s）"),
    "%(n)s CE credits": ("%(n)s CE-Credits", "%(n)s crédits CE", "%(n)s CE クレジット"),
    "Add a person": ("Person hinzufügen", "Ajouter une personne", "人を追加"),
    "Add to the roster": ("Zur Liste hinzufügen", "Ajouter à la liste", "名簿に追加"),
    "Attendees": ("Teilnehmende", "Participants", "参加者"),
    "CE claims": ("CE-Anträge", "Demandes CE", "CE 申請"),
    "CE claims to review": ("Zu prüfende CE-Anträge", "Demandes CE à examiner", "審査待ちの CE 申請"),
    "CE item": ("CE-Angebot", "Élément CE", "CE アイテム"),
    "Certifications": ("Zertifizierungen", "Certifications", "認定資格"),
    "Certifications at risk": ("Gefährdete Zertifizierungen", "Certifications à risque", "失効の恐れがある認定資格"),
    "Cisco certification id (optional)": ("Cisco-Zertifizierungs-ID (optional)", "Identifiant de certification Cisco (facultatif)",
                                          "Cisco 認定 ID（任意）"),
    "Completed": ("Abgeschlossen", "Terminé", "修了日"),
    "Completed on": ("Abgeschlossen am", "Terminé le", "修了日"),
    "Credits": ("Credits", "Crédits", "クレジット"),
    "Decision": ("Entscheidung", "Décision", "判定"),
    "Denied": ("Abgelehnt", "Refusé", "却下"),
    "Earned": ("Erworben", "Obtenu", "取得"),
    "Earned on": ("Erworben am", "Obtenue le", "取得日"),
    "Email": ("E-Mail", "E-mail", "メール"),
    "Evidence": ("Nachweis", "Justificatif", "証明"),
    "Evidence (PDF, PNG or JPEG, up to 10 MB)": ("Nachweis (PDF, PNG oder JPEG, bis 10 MB)",
                                                 "Justificatif (PDF, PNG ou JPEG, 10 Mo au plus)",
                                                 "証明書類（PDF、PNG、JPEG、10 MB まで）"),
    "Item": ("Angebot", "Élément", "アイテム"),
    "Level": ("Stufe", "Niveau", "レベル"),
    "Name": ("Name", "Nom", "名前"),
    "No certification recorded.": ("Keine Zertifizierung erfasst.", "Aucune certification enregistrée.",
                                   "認定資格は登録されていません。"),
    "No claim is waiting for review.": ("Kein Antrag wartet auf Prüfung.", "Aucune demande n'attend d'examen.",
                                        "審査待ちの申請はありません。"),
    "No claims yet.": ("Noch keine Anträge.", "Aucune demande pour l'instant.", "申請はまだありません。"),
    "Nobody is on the roster yet.": ("Noch niemand in der Liste.", "Personne n'est encore sur la liste.",
                                     "名簿にはまだ誰もいません。"),
    "None": ("Keines", "Aucun", "なし"),
    "Other training (choose the item below)": ("Andere Schulung (unten wählen)", "Autre formation (choisir ci-dessous)",
                                               "その他のトレーニング（下で選択）"),
    "People": ("Personen", "Personnes", "メンバー"),
    "People and certifications": ("Personen und Zertifizierungen", "Personnes et certifications", "メンバーと認定資格"),
    "Person": ("Person", "Personne", "メンバー"),
    "Reason": ("Grund", "Motif", "理由"),
    "Record a certification": ("Zertifizierung erfassen", "Enregistrer une certification", "認定資格を登録"),
    "Record certification": ("Zertifizierung erfassen", "Enregistrer la certification", "認定資格を登録"),
    "Record Cisco's decision on each claim. Nobody reviews their own claim.": (
        "Erfassen Sie die Entscheidung von Cisco zu jedem Antrag. Niemand prüft den eigenen Antrag.",
        "Enregistrez la décision de Cisco pour chaque demande. Personne n'examine sa propre demande.",
        "各申請について Cisco の判定を記録します。自分の申請は審査できません。"),
    "Seats": ("Plätze", "Places", "席数"),
    "Status": ("Status", "Statut", "状態"),
    "Submit a claim": ("Antrag einreichen", "Soumettre une demande", "申請する"),
    "Submit claim": ("Antrag einreichen", "Soumettre la demande", "申請する"),
    "Training bought with Learning Credits": ("Mit Learning Credits gekaufte Schulung", "Formation achetée en Learning Credits",
                                              "Learning Credits で購入したトレーニング"),
    "Training that earns CE credits (optional)": ("Schulung mit CE-Credits (optional)", "Formation donnant des crédits CE (facultatif)",
                                                  "CE クレジット対象のトレーニング（任意）"),
    "Validation code": ("Validierungscode", "Code de validation", "検証コード"),
    "Within the last 90 days.": ("Innerhalb der letzten 90 Tage.", "Dans les 90 derniers jours.", "過去 90 日以内。"),
    "at risk": ("gefährdet", "à risque", "失効の恐れ"),
    "debit #%(id)s": ("Belastung #%(id)s", "débit n° %(id)s", "引き落とし #%(id)s"),
    "exams still needed: %(exams)s": ("noch nötige Prüfungen: %(exams)s", "examens encore requis : %(exams)s",
                                      "必要な試験: %(exams)s"),
    "expired on %(date)s": ("abgelaufen am %(date)s", "expirée le %(date)s", "%(date)s に期限切れ"),
    "expires on %(date)s (%(days)s days)": ("läuft am %(date)s ab (%(days)s Tage)", "expire le %(date)s (%(days)s jours)",
                                            "%(date)s に期限切れ（あと %(days)s 日）"),
    "flagged for review": ("zur Prüfung markiert", "signalée pour examen", "要確認"),
    "inactive": ("inaktiv", "inactive", "無効"),
    "never expires": ("läuft nie ab", "n'expire jamais", "期限なし"),
    "pending %(pending)s · projected %(projected)s · missing %(gap)s": (
        "beantragt %(pending)s · erwartet %(projected)s · fehlend %(gap)s",
        "en attente %(pending)s · prévus %(projected)s · manquants %(gap)s",
        "審査中 %(pending)s · 見込み %(projected)s · 不足 %(gap)s"),
    "requirement met": ("Anforderung erfüllt", "conditions remplies", "要件達成"),
    "your own claim": ("Ihr eigener Antrag", "votre propre demande", "ご自身の申請"),
    "%(name)s is on the roster.": ("%(name)s steht in der Liste.", "%(name)s est sur la liste.", "%(name)s を名簿に追加しました。"),
    "Certification recorded.": ("Zertifizierung erfasst.", "Certification enregistrée.", "認定資格を登録しました。"),
    "Claim #%(id)s is denied.": ("Antrag #%(id)s ist abgelehnt.", "La demande n° %(id)s est refusée.", "申請 #%(id)s を却下しました。"),
    "Claim #%(id)s is earned.": ("Antrag #%(id)s ist erworben.", "La demande n° %(id)s est obtenue.", "申請 #%(id)s は取得済みです。"),
    "Claim #%(id)s submitted: %(credits)s CE credits pending review.": (
        "Antrag #%(id)s eingereicht: %(credits)s CE-Credits warten auf Prüfung.",
        "Demande n° %(id)s soumise : %(credits)s crédits CE en attente d'examen.",
        "申請 #%(id)s を送信しました: %(credits)s CE クレジットが審査待ちです。"),
    "Give a date as YYYY-MM-DD.": ("Geben Sie ein Datum als JJJJ-MM-TT an.", "Indiquez une date au format AAAA-MM-JJ.",
                                   "日付を YYYY-MM-DD で入力してください。"),
    "Reminds people and captains of certifications expiring with their requirement unmet, and of exam vouchers about to lapse.": (
        "Erinnert Personen und Captains an ablaufende Zertifizierungen mit unerfüllter Anforderung und an bald verfallende Prüfungsgutscheine.",
        "Rappelle aux personnes et aux capitaines les certifications qui expirent sans que les conditions soient remplies, et les bons d'examen sur le point d'expirer.",
        "要件未達のまま期限が近い認定資格と、失効間近の試験バウチャーを本人とキャプテンに通知します。"),
    "Lapses claims of CLC-funded training not submitted within 90 days, and tells the captains what the seats cost.": (
        "Lässt Anträge für mit CLCs bezahlte Schulungen verfallen, die nicht innerhalb von 90 Tagen eingereicht wurden, und nennt den Captains die Kosten der Plätze.",
        "Fait expirer les demandes de formations payées en CLC non soumises sous 90 jours et indique aux capitaines le coût des places.",
        "90 日以内に申請されなかった CLC 購入トレーニングの申請を失効させ、席の費用をキャプテンに伝えます。"),
    # levels and claim states, shown through lt(value)
    "entry": ("Einstieg", "débutant", "エントリー"), "associate": ("Associate", "Associate", "アソシエイト"),
    "specialist": ("Specialist", "Specialist", "スペシャリスト"), "professional": ("Professional", "Professional", "プロフェッショナル"),
    "expert": ("Expert", "Expert", "エキスパート"),
    "planned": ("geplant", "prévue", "予定"), "pending": ("in Prüfung", "en attente", "審査中"),
    "earned": ("erworben", "obtenue", "取得"), "denied": ("abgelehnt", "refusée", "却下"),
    "cancelled": ("storniert", "annulée", "取消"), "lapsed": ("verfallen", "expirée", "失効"),
}


def write(root):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    for index, language in enumerate(("de", "fr", "ja")):
        catalog = Catalog(locale=language, domain="learning", project="CLC Ledger")
        for msgid, translations in ENTRIES.items():
            catalog.add(msgid, translations[index], flags=("python-format",) if "%(" in msgid else ())
        target = root / language / "LC_MESSAGES" / "learning.po"
        with open(target, "wb") as out:
            write_po(out, catalog, omit_header=False, sort_output=True)


if __name__ == "__main__":
    from pathlib import Path

    write(Path(__file__).resolve().parents[2] / "translations")
