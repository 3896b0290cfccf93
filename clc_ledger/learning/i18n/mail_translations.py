"""Source of the learning mails' entries in clc_ledger/translations/*/LC_MESSAGES/mail.po
(appended there by `python -m clc_ledger.learning.i18n.mail_translations`); kept so that
the entries can be regenerated after a catalog update drops them."""
ENTRIES = {
    "%(name)s: %(certification)s expires in %(days)s days": {
        "de": "%(name)s: %(certification)s läuft in %(days)s Tagen ab",
        "fr": "%(name)s : %(certification)s expire dans %(days)s jours",
        "ja": "%(name)s: %(certification)s の有効期限まであと %(days)s 日です"},
    "%(certification)s of %(name)s (%(company)s) expires on %(date)s, in %(days)s days, and its recertification requirement is not met yet.": {
        "de": "%(certification)s von %(name)s (%(company)s) läuft am %(date)s ab, in %(days)s Tagen, und die Anforderung für die Rezertifizierung ist noch nicht erfüllt.",
        "fr": "La certification %(certification)s de %(name)s (%(company)s) expire le %(date)s, dans %(days)s jours, et les conditions de recertification ne sont pas encore remplies.",
        "ja": "%(name)s（%(company)s）の %(certification)s は %(date)s（あと %(days)s 日）に期限切れとなりますが、再認定の要件はまだ満たされていません。"},
    "Required: %(credits)s CE credits (%(pathway)s)": {
        "de": "Erforderlich: %(credits)s CE-Credits (%(pathway)s)",
        "fr": "Requis : %(credits)s crédits CE (%(pathway)s)",
        "ja": "必要: %(credits)s CE クレジット（%(pathway)s）"},
    "Earned: %(credits)s": {"de": "Erworben: %(credits)s", "fr": "Obtenus : %(credits)s", "ja": "取得済み: %(credits)s"},
    "Pending review: %(credits)s": {"de": "In Prüfung: %(credits)s", "fr": "En cours d'examen : %(credits)s",
                                    "ja": "審査中: %(credits)s"},
    "Projected from training bought: %(credits)s": {
        "de": "Erwartet aus gekauften Schulungen: %(credits)s",
        "fr": "Prévus grâce aux formations achetées : %(credits)s",
        "ja": "購入済みトレーニングによる見込み: %(credits)s"},
    "Still missing: %(credits)s": {"de": "Es fehlen noch: %(credits)s", "fr": "Manquants : %(credits)s",
                                   "ja": "不足: %(credits)s"},
    "Your company has %(credits)s available in Cisco Learning Credits; the soonest expire on %(date)s.": {
        "de": "Ihr Unternehmen hat %(credits)s an Cisco Learning Credits verfügbar; die ersten verfallen am %(date)s.",
        "fr": "Votre entreprise dispose de %(credits)s en Cisco Learning Credits ; les premiers expirent le %(date)s.",
        "ja": "貴社には %(credits)s の Cisco Learning Credits があります。最も早いものは %(date)s に失効します。"},
    "Your company has no Cisco Learning Credits available.": {
        "de": "Ihr Unternehmen hat keine Cisco Learning Credits verfügbar.",
        "fr": "Votre entreprise ne dispose d'aucun Cisco Learning Credit.",
        "ja": "貴社に利用可能な Cisco Learning Credits はありません。"},
    "%(company)s: training paid with Learning Credits was never credited": {
        "de": "%(company)s: mit Learning Credits bezahlte Schulung wurde nie angerechnet",
        "fr": "%(company)s : une formation payée en Learning Credits n'a jamais été créditée",
        "ja": "%(company)s: Learning Credits で支払ったトレーニングのクレジットが申請されませんでした"},
    "These CE credits of training paid with Cisco Learning Credits were not claimed within 90 days of the training and have lapsed:": {
        "de": "Diese CE-Credits aus mit Cisco Learning Credits bezahlten Schulungen wurden nicht innerhalb von 90 Tagen beantragt und sind verfallen:",
        "fr": "Ces crédits CE de formations payées en Cisco Learning Credits n'ont pas été demandés dans les 90 jours suivant la formation et sont perdus :",
        "ja": "Cisco Learning Credits で支払ったトレーニングの以下の CE クレジットは、90 日以内に申請されなかったため失効しました:"},
    "%(person)s: %(item)s (%(code)s), %(credits)s CE credits, training on %(date)s, debit #%(debit)s; the seat cost %(cost)s, paid, never credited.": {
        "de": "%(person)s: %(item)s (%(code)s), %(credits)s CE-Credits, Schulung am %(date)s, Belastung #%(debit)s; der Platz kostete %(cost)s, bezahlt, nie angerechnet.",
        "fr": "%(person)s : %(item)s (%(code)s), %(credits)s crédits CE, formation le %(date)s, débit n° %(debit)s ; la place a coûté %(cost)s, payée, jamais créditée.",
        "ja": "%(person)s: %(item)s（%(code)s）、%(credits)s CE クレジット、トレーニング日 %(date)s、引き落とし #%(debit)s。席の費用 %(cost)s は支払済みですが、クレジットは申請されていません。"},
    "Paid, never credited: %(cost)s in total.": {
        "de": "Bezahlt, nie angerechnet: insgesamt %(cost)s.",
        "fr": "Payé, jamais crédité : %(cost)s au total.",
        "ja": "支払済みで未申請: 合計 %(cost)s。"},
    "%(name)s: an exam voucher lapses in %(days)s days": {
        "de": "%(name)s: ein Prüfungsgutschein verfällt in %(days)s Tagen",
        "fr": "%(name)s : un bon d'examen expire dans %(days)s jours",
        "ja": "%(name)s: 試験バウチャーの有効期限まであと %(days)s 日です"},
    "The exam voucher of %(name)s (%(company)s), bought with Learning Credits on debit #%(debit)s, lapses unused on %(date)s, in %(days)s days.": {
        "de": "Der Prüfungsgutschein von %(name)s (%(company)s), mit Learning Credits gekauft (Belastung #%(debit)s), verfällt ungenutzt am %(date)s, in %(days)s Tagen.",
        "fr": "Le bon d'examen de %(name)s (%(company)s), acheté en Learning Credits (débit n° %(debit)s), expire inutilisé le %(date)s, dans %(days)s jours.",
        "ja": "%(name)s（%(company)s）の試験バウチャー（Learning Credits で購入、引き落とし #%(debit)s）は、未使用のまま %(date)s（あと %(days)s 日）に失効します。"},
    "%(company)s: %(specialization)s is due for renewal in %(days)s days, %(short)s points short": {
        "de": "%(company)s: %(specialization)s muss in %(days)s Tagen erneuert werden, es fehlen %(short)s Punkte",
        "fr": "%(company)s : %(specialization)s doit être renouvelée dans %(days)s jours, il manque %(short)s points",
        "ja": "%(company)s: %(specialization)s の更新まであと %(days)s 日、ポイントが %(short)s 不足しています"},
    "The specialization %(specialization)s of %(company)s is due for renewal on %(date)s, in %(days)s days.": {
        "de": "Die Spezialisierung %(specialization)s von %(company)s muss am %(date)s erneuert werden, in %(days)s Tagen.",
        "fr": "La spécialisation %(specialization)s de %(company)s doit être renouvelée le %(date)s, dans %(days)s jours.",
        "ja": "%(company)s のスペシャライゼーション %(specialization)s は %(date)s（あと %(days)s 日）に更新期限を迎えます。"},
    "Points since %(date)s: %(points)s of %(required)s required; %(short)s still missing.": {
        "de": "Punkte seit %(date)s: %(points)s von %(required)s erforderlichen; es fehlen noch %(short)s.",
        "fr": "Points depuis le %(date)s : %(points)s sur les %(required)s requis ; il en manque encore %(short)s.",
        "ja": "%(date)s 以降のポイント: 必要な %(required)s のうち %(points)s。あと %(short)s 不足しています。"},
    "Points are earned when a person starts a linked knowledge session online or passes its assessment; a download alone earns nothing.": {
        "de": "Punkte gibt es, wenn eine Person eine verknüpfte Knowledge Session online startet oder ihre Prüfung besteht; ein Download allein bringt nichts.",
        "fr": "Les points sont acquis quand une personne démarre en ligne une session de connaissances liée ou réussit son évaluation ; un simple téléchargement ne rapporte rien.",
        "ja": "ポイントは、関連するナレッジセッションをオンラインで開始するか、その評価に合格したときに付与されます。ダウンロードだけではポイントになりません。"},
    "Learning": {"de": "Weiterbildung", "fr": "Formation", "ja": "学習"},
    "CE credits earned this month from training bought with Learning Credits: %(credits)s": {
        "de": "Diesen Monat mit Learning Credits gekaufter Schulungen erworbene CE-Credits: %(credits)s",
        "fr": "Crédits CE obtenus ce mois-ci grâce aux formations payées en Learning Credits : %(credits)s",
        "ja": "今月 Learning Credits で購入したトレーニングで取得した CE クレジット: %(credits)s"},
    "(claims: %(claims)s; people: %(people)s)": {
        "de": "(Anträge: %(claims)s; Personen: %(people)s)", "fr": "(demandes : %(claims)s ; personnes : %(people)s)",
        "ja": "（申請 %(claims)s 件、%(people)s 人）"},
    "Certifications expiring within %(days)s days:": {
        "de": "Zertifizierungen, die innerhalb von %(days)s Tagen ablaufen:",
        "fr": "Certifications expirant dans les %(days)s jours :",
        "ja": "%(days)s 日以内に期限切れとなる認定:"},
    "%(person)s: %(certification)s expires on %(day)s, in %(days)s days": {
        "de": "%(person)s: %(certification)s läuft am %(day)s ab, in %(days)s Tagen",
        "fr": "%(person)s : %(certification)s expire le %(day)s, dans %(days)s jours",
        "ja": "%(person)s: %(certification)s は %(day)s（あと %(days)s 日）に期限切れ"},
}


def append(path, language):
    from babel.messages.pofile import read_po

    with open(path, "rb") as source:
        known = {message.id for message in read_po(source)}
    with open(path, "a", encoding="utf-8") as target:
        for msgid, translations in ENTRIES.items():
            if msgid in known:
                continue
            text = translations.get(language, "") if language else ""
            target.write(f'\n#: clc_ledger/learning/templates/mail\n#, python-format\nmsgid "{msgid}"\nmsgstr "{text}"\n')


if __name__ == "__main__":
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "translations"
    append(root / "mail.pot", None)
    for language in ("de", "fr", "ja"):
        append(root / language / "LC_MESSAGES" / "mail.po", language)
