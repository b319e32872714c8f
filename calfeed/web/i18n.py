"""The pages' own words in English and Indonesian.

A dict per language is enough for a few dozen strings and keeps translators away from tooling; a
missing Indonesian string falls back to English rather than showing a key, and a test checks that
both dicts hold the same keys so the fallback is never needed in practice.
"""

from __future__ import annotations

from collections.abc import Iterable

from calfeed.model import LANGS, Lang

EN: dict[str, str] = {
    "app.tagline": "Follow-up reminders for your job interviews, in your own calendar.",
    "nav.dashboard": "Dashboard",
    "nav.settings": "Settings",
    "nav.home": "Home",
    "nav.skip": "Skip to content",
    "index.title": "Never forget to follow up after an interview",
    "index.lead": (
        "calfeed reads the interviews in your Google Calendar and adds a thank-you note on the "
        "same day and a polite check-in later, each with a ready-to-send e-mail draft."
    ),
    "index.connect": "Connect Google Calendar",
    "index.connect_note": "Read-only access. You can disconnect and delete everything at any time.",
    "index.not_configured": "Google sign-in is not configured on this server.",
    "index.demo": "Open the demo dashboard",
    "index.open_dashboard": "Open your dashboard",
    "dash.title": "Your follow-ups",
    "dash.reconnect": "Google no longer lets calfeed read your calendar. Connect again to resume.",
    "dash.feed": "Your calendar feed",
    "dash.feed_help": (
        "Subscribe to this address once; your calendar app then refreshes it by itself. Keep it "
        "private: anyone with the address can read your follow-ups."
    ),
    "dash.feed_address": "Feed address",
    "dash.copy": "Copy",
    "dash.copied": "Copied",
    "dash.copy_failed": "Copy failed: select the text and copy it yourself.",
    "dash.subscribe_webcal": "Subscribe (Apple Calendar, Outlook)",
    "dash.subscribe_google": "Add to Google Calendar",
    "dash.howto": "How to subscribe",
    "dash.howto_google": (
        "Google Calendar: use the button above, or on a computer open Other calendars, +, From URL "
        "and paste the address."
    ),
    "dash.howto_apple": (
        "Apple Calendar: use the Subscribe button, or File, New Calendar Subscription and paste "
        "the address. On an iPhone, scan the QR code."
    ),
    "dash.howto_outlook": (
        "Outlook: use the Subscribe button, or Add calendar, Subscribe from web and paste the "
        "address."
    ),
    "dash.qr": "QR code of the feed address, for phones",
    "dash.rotate": "Get a new address",
    "dash.rotate_help": "The old address stops working at once; subscribe again with the new one.",
    "dash.interviews": "Interviews",
    "dash.none": "No interviews found yet in the calendars you chose.",
    "dash.upcoming": "Upcoming",
    "dash.recent": "Recent",
    "dash.with": "With",
    "dash.company": "Company",
    "dash.position": "Position",
    "dash.timeline": "Stated timeline",
    "dash.timeline_none": "none recorded",
    "dash.thank-you": "Thank-you note",
    "dash.check-in": "Check-in",
    "dash.due": "Due",
    "dash.why": "Why",
    "dash.draft": "Draft",
    "dash.to": "To",
    "dash.subject": "Subject",
    "dash.mailto": "Open in e-mail app",
    "dash.copy_draft": "Copy draft",
    "dash.notes": "Tips",
    "dash.no_follow_ups": "No follow-ups pending for this interview.",
    "dash.mark_sent": "Thank-you sent",
    "dash.mark_heard": "Heard back",
    "dash.mark_not": "Not an interview",
    "dash.undo_sent": "Undo thank-you sent",
    "dash.undo_heard": "Undo heard back",
    "dash.set_timeline": "Set timeline",
    "dash.timeline_label": "When they said you would hear back",
    "dash.timeline_hint": "For example: within a week, 5 business days, by 3 December, 10d.",
    "dash.clear_timeline": "Clear",
    "dash.excluded": "Marked as not an interview",
    "dash.restore": "It is an interview",
    "dash.saved": "Saved.",
    "dash.rotated": "Your feed has a new address. Subscribe again with it.",
    "dash.sent": "sent",
    "dash.heard": "heard back",
    "settings.title": "Settings",
    "settings.lang": "Language",
    "settings.time_zone": "Time zone",
    "settings.time_zone_hint": "An IANA name such as Asia/Jakarta or Europe/London.",
    "settings.thank_you": "Thank-you timing",
    "settings.soon": "Soon after the interview",
    "settings.evening": "In the evening",
    "settings.delay": "Delay after the interview (minutes, 0 to 180)",
    "settings.evening_at": "Evening time (17:00 to 20:00)",
    "settings.grace": "Days of grace after a stated timeline (1 to 5)",
    "settings.no_timeline": "Days to wait when no timeline was stated (7 to 14)",
    "settings.check_in_at": "Check-in time (06:00 to 18:00)",
    "settings.country": "Skip public holidays of",
    "settings.country_none": "No country (weekends only)",
    "settings.keywords": "Interview keywords, one per line",
    "settings.calendars": "Calendars to read",
    "settings.calendars_none": "No calendars known yet.",
    "settings.save": "Save settings",
    "settings.danger": "Disconnect",
    "settings.delete_help": (
        "Revokes calfeed's access to Google and deletes everything calfeed stored about you. "
        "Your feed address stops working."
    ),
    "settings.delete": "Disconnect and delete everything",
    "settings.deleted": "Disconnected. Everything calfeed stored about you is deleted.",
    "err.form": "Nothing was changed. Please fix the marked fields.",
    "err.lang": "Choose English or Indonesian.",
    "err.time_zone": "Unknown time zone.",
    "err.thank_you": "Choose soon or evening.",
    "err.delay": "Enter a number of minutes from 0 to 180.",
    "err.evening_at": "Enter a time from 17:00 to 20:00.",
    "err.grace": "Enter a number from 1 to 5.",
    "err.no_timeline": "Enter a number from 7 to 14.",
    "err.check_in_at": "Enter a time from 06:00 to 18:00.",
    "err.country": "Unknown country.",
    "err.keywords": "Enter at least one keyword (at most 50, each under 60 characters).",
    "err.calendars": "Choose at least one of your calendars.",
    "err.timeline": "calfeed cannot read that timeline. Try: within a week, 5 business days, 10d.",
    "err.event": "That interview is not in your calendar.",
    "err.action": "Unknown action.",
    "err.title": "Something went wrong",
    "err.400": "The request could not be understood. Go back, reload the page and try again.",
    "err.csrf": "The form expired or was sent from another site. Reload the page and try again.",
    "err.401": "Please connect Google Calendar again.",
    "err.403": "You may not do that.",
    "err.404": "There is nothing here.",
    "err.405": "That method is not allowed here.",
    "err.500": "Something went wrong on our side. Please try again later.",
    "err.502": "Google could not be reached. Please try again later.",
    "err.503": "The service is not available right now. Please try again later.",
    "err.signin": "Please connect Google Calendar first.",
    "err.oauth": "Connecting Google did not work. Nothing was stored. You can try again.",
    "err.back": "Back to the start",
    "rule.T2": "soon after the interview ends, while it is fresh (rule T2)",
    "rule.T3": "in the evening of the interview day, never the next day (rule T3)",
    "rule.C1": "the timeline they gave plus a few days of grace, on a working day (rule C1)",
    "rule.C2": "no timeline was given: one to two weeks is the usual wait (rule C2)",
    "rule.C3": "moved to a working day at your check-in time (rule C3)",
    "rule.C4": "the latest round of this application replaces earlier check-ins (rule C4)",
    "lang.en": "English",
    "lang.id": "Bahasa Indonesia",
    # issue 7
    "nav.sign_out": "Sign out",
    "auth.signed_out": "Signed out.",
    "dash.pages": "Pages of interviews",
    "dash.prev": "Previous page",
    "dash.next": "Next page",
    "dash.page_of": "Page {page} of {pages}",
    "dash.events_cut": "Your calendars hold more events than calfeed reads for one person (5,000): "
    "the latest ones, furthest ahead, are left out.",
    "dash.follow_ups_cut": "Your feed holds the 2,000 follow-ups nearest to today; the others "
    "are left out.",
    # issue 8
    "dash.correct_company": "Company",
    "dash.correct_position": "Position",
    "dash.correct_hint": (
        "Correct what calfeed read. Leave empty to use what it reads; type - for none."
    ),
    "dash.correct_save": "Save correction",
    "err.correction": "A company or position is one line of at most 120 characters.",
    "dash.name_hint": "Your drafts are signed with the name calfeed found on your calendar.",
    "dash.name_hint_signed": "Your drafts are signed \"{name}\", read from your address.",
    "dash.name_hint_link": "Set your name in Settings.",
    "settings.user_name": "Your name",
    "settings.user_name_hint": "How your drafts are signed, e.g. Sari Wijaya.",
    "err.user_name": "Your name is one line of at most 100 characters.",
    # issue 9
    "read.heading": "Google Calendar",
    "read.last": "Google last read at",
    "read.never": "Google has not been read yet: the first read is on its way.",
    "read.pending": "a read is on its way",
    "read.error": "the last read failed; it is tried again",
    "read.refresh": "Refresh now",
    "read.queued": "Google Calendar will be read in a moment.",
    "read.too_soon": "Google Calendar was just refreshed. Try again in a minute.",
}

ID: dict[str, str] = {
    "app.tagline": "Pengingat tindak lanjut wawancara kerja, langsung di kalender Anda.",
    "nav.dashboard": "Dasbor",
    "nav.settings": "Pengaturan",
    "nav.home": "Beranda",
    "nav.skip": "Langsung ke isi",
    "index.title": "Jangan lupa menindaklanjuti setelah wawancara",
    "index.lead": (
        "calfeed membaca jadwal wawancara di Google Calendar Anda lalu menambahkan catatan terima "
        "kasih di hari yang sama dan tindak lanjut yang sopan beberapa hari kemudian, "
        "masing-masing dengan draf e-mail yang siap dikirim."
    ),
    "index.connect": "Hubungkan Google Calendar",
    "index.connect_note": "Akses baca saja. Anda bisa memutus dan menghapus semuanya kapan saja.",
    "index.not_configured": "Masuk dengan Google belum diatur di server ini.",
    "index.demo": "Buka dasbor demo",
    "index.open_dashboard": "Buka dasbor Anda",
    "dash.title": "Tindak lanjut Anda",
    "dash.reconnect": (
        "Google tidak lagi mengizinkan calfeed membaca kalender Anda. Hubungkan lagi."
    ),
    "dash.feed": "Feed kalender Anda",
    "dash.feed_help": (
        "Berlangganan alamat ini sekali saja; aplikasi kalender akan memperbaruinya sendiri. "
        "Rahasiakan: siapa pun yang tahu alamatnya bisa membaca tindak lanjut Anda."
    ),
    "dash.feed_address": "Alamat feed",
    "dash.copy": "Salin",
    "dash.copied": "Tersalin",
    "dash.copy_failed": "Gagal menyalin: pilih teksnya dan salin sendiri.",
    "dash.subscribe_webcal": "Berlangganan (Apple Calendar, Outlook)",
    "dash.subscribe_google": "Tambahkan ke Google Calendar",
    "dash.howto": "Cara berlangganan",
    "dash.howto_google": (
        "Google Calendar: pakai tombol di atas, atau di komputer buka Kalender lain, +, Dari URL "
        "lalu tempel alamatnya."
    ),
    "dash.howto_apple": (
        "Apple Calendar: pakai tombol Berlangganan, atau File, Langganan Kalender Baru lalu tempel "
        "alamatnya. Di iPhone, pindai kode QR."
    ),
    "dash.howto_outlook": (
        "Outlook: pakai tombol Berlangganan, atau Tambah kalender, Berlangganan dari web lalu "
        "tempel alamatnya."
    ),
    "dash.qr": "Kode QR alamat feed, untuk ponsel",
    "dash.rotate": "Buat alamat baru",
    "dash.rotate_help": "Alamat lama langsung tidak berlaku; berlangganan lagi dengan yang baru.",
    "dash.interviews": "Wawancara",
    "dash.none": "Belum ada wawancara di kalender yang Anda pilih.",
    "dash.upcoming": "Akan datang",
    "dash.recent": "Baru lewat",
    "dash.with": "Dengan",
    "dash.company": "Perusahaan",
    "dash.position": "Posisi",
    "dash.timeline": "Perkiraan kabar",
    "dash.timeline_none": "belum dicatat",
    "dash.thank-you": "Ucapan terima kasih",
    "dash.check-in": "Tindak lanjut",
    "dash.due": "Waktu",
    "dash.why": "Alasan",
    "dash.draft": "Draf",
    "dash.to": "Kepada",
    "dash.subject": "Subjek",
    "dash.mailto": "Buka di aplikasi e-mail",
    "dash.copy_draft": "Salin draf",
    "dash.notes": "Kiat",
    "dash.no_follow_ups": "Tidak ada tindak lanjut tertunda untuk wawancara ini.",
    "dash.mark_sent": "Terima kasih terkirim",
    "dash.mark_heard": "Sudah ada kabar",
    "dash.mark_not": "Bukan wawancara",
    "dash.undo_sent": "Batalkan terima kasih terkirim",
    "dash.undo_heard": "Batalkan sudah ada kabar",
    "dash.set_timeline": "Simpan perkiraan",
    "dash.timeline_label": "Kapan mereka bilang Anda akan dikabari",
    "dash.timeline_hint": "Contoh: dalam seminggu, 5 hari kerja, by 3 December, 10d.",
    "dash.clear_timeline": "Hapus",
    "dash.excluded": "Ditandai bukan wawancara",
    "dash.restore": "Ini wawancara",
    "dash.saved": "Tersimpan.",
    "dash.rotated": "Feed Anda punya alamat baru. Berlangganan lagi dengan alamat itu.",
    "dash.sent": "terkirim",
    "dash.heard": "sudah ada kabar",
    "settings.title": "Pengaturan",
    "settings.lang": "Bahasa",
    "settings.time_zone": "Zona waktu",
    "settings.time_zone_hint": "Nama IANA seperti Asia/Jakarta atau Europe/London.",
    "settings.thank_you": "Waktu ucapan terima kasih",
    "settings.soon": "Segera setelah wawancara",
    "settings.evening": "Di sore hari",
    "settings.delay": "Jeda setelah wawancara (menit, 0 sampai 180)",
    "settings.evening_at": "Jam sore (17:00 sampai 20:00)",
    "settings.grace": "Hari tenggang setelah perkiraan kabar (1 sampai 5)",
    "settings.no_timeline": "Hari menunggu bila tidak ada perkiraan (7 sampai 14)",
    "settings.check_in_at": "Jam tindak lanjut (06:00 sampai 18:00)",
    "settings.country": "Lewati hari libur nasional",
    "settings.country_none": "Tidak ada (hanya akhir pekan)",
    "settings.keywords": "Kata kunci wawancara, satu per baris",
    "settings.calendars": "Kalender yang dibaca",
    "settings.calendars_none": "Belum ada kalender yang diketahui.",
    "settings.save": "Simpan pengaturan",
    "settings.danger": "Putuskan",
    "settings.delete_help": (
        "Mencabut akses calfeed ke Google dan menghapus semua yang disimpan calfeed tentang Anda. "
        "Alamat feed Anda berhenti berfungsi."
    ),
    "settings.delete": "Putuskan dan hapus semuanya",
    "settings.deleted": "Terputus. Semua yang disimpan calfeed tentang Anda sudah dihapus.",
    "err.form": "Tidak ada yang diubah. Perbaiki isian yang ditandai.",
    "err.lang": "Pilih bahasa Inggris atau Indonesia.",
    "err.time_zone": "Zona waktu tidak dikenal.",
    "err.thank_you": "Pilih segera atau sore hari.",
    "err.delay": "Masukkan jumlah menit dari 0 sampai 180.",
    "err.evening_at": "Masukkan jam dari 17:00 sampai 20:00.",
    "err.grace": "Masukkan angka dari 1 sampai 5.",
    "err.no_timeline": "Masukkan angka dari 7 sampai 14.",
    "err.check_in_at": "Masukkan jam dari 06:00 sampai 18:00.",
    "err.country": "Negara tidak dikenal.",
    "err.keywords": (
        "Masukkan minimal satu kata kunci (paling banyak 50, masing-masing < 60 huruf)."
    ),
    "err.calendars": "Pilih minimal satu kalender Anda.",
    "err.timeline": (
        "calfeed tidak bisa membaca perkiraan itu. Coba: dalam seminggu, 5 hari kerja, 10d."
    ),
    "err.event": "Wawancara itu tidak ada di kalender Anda.",
    "err.action": "Tindakan tidak dikenal.",
    "err.title": "Terjadi kesalahan",
    "err.400": "Permintaan tidak dapat dipahami. Kembali, muat ulang halaman, lalu coba lagi.",
    "err.csrf": (
        "Formulir kedaluwarsa atau dikirim dari situs lain. Muat ulang halaman lalu coba lagi."
    ),
    "err.401": "Silakan hubungkan Google Calendar lagi.",
    "err.403": "Anda tidak boleh melakukan itu.",
    "err.404": "Tidak ada apa-apa di sini.",
    "err.405": "Metode itu tidak diizinkan di sini.",
    "err.500": "Terjadi kesalahan di pihak kami. Silakan coba lagi nanti.",
    "err.502": "Google tidak dapat dihubungi. Silakan coba lagi nanti.",
    "err.503": "Layanan sedang tidak tersedia. Silakan coba lagi nanti.",
    "err.signin": "Silakan hubungkan Google Calendar terlebih dahulu.",
    "err.oauth": "Gagal menghubungkan Google. Tidak ada yang disimpan. Anda bisa mencoba lagi.",
    "err.back": "Kembali ke awal",
    "rule.T2": "segera setelah wawancara selesai, selagi masih segar (aturan T2)",
    "rule.T3": "sore hari di hari wawancara, tidak pernah keesokan harinya (aturan T3)",
    "rule.C1": "perkiraan dari mereka ditambah beberapa hari tenggang, di hari kerja (aturan C1)",
    "rule.C2": "tidak ada perkiraan: satu sampai dua minggu adalah waktu tunggu wajar (aturan C2)",
    "rule.C3": "dipindah ke hari kerja pada jam tindak lanjut Anda (aturan C3)",
    "rule.C4": "putaran terakhir lamaran ini menggantikan tindak lanjut sebelumnya (aturan C4)",
    "lang.en": "English",
    "lang.id": "Bahasa Indonesia",
    # issue 7
    "nav.sign_out": "Keluar",
    "auth.signed_out": "Anda sudah keluar.",
    "dash.pages": "Halaman wawancara",
    "dash.prev": "Halaman sebelumnya",
    "dash.next": "Halaman berikutnya",
    "dash.page_of": "Halaman {page} dari {pages}",
    "dash.events_cut": "Kalender Anda berisi lebih banyak acara daripada yang dibaca calfeed untuk "
    "satu orang (5.000): acara terjauh ke depan tidak disertakan.",
    "dash.follow_ups_cut": "Feed Anda berisi 2.000 tindak lanjut yang paling dekat dengan hari "
    "ini; sisanya tidak disertakan.",
    # issue 8
    "dash.correct_company": "Perusahaan",
    "dash.correct_position": "Posisi",
    "dash.correct_hint": (
        "Koreksi yang dibaca calfeed. Kosongkan untuk memakai hasil bacaan; ketik - bila tidak ada."
    ),
    "dash.correct_save": "Simpan koreksi",
    "err.correction": "Perusahaan atau posisi berupa satu baris, paling banyak 120 karakter.",
    "dash.name_hint": (
        "Draf Anda ditandatangani dengan nama yang ditemukan calfeed di kalender Anda."
    ),
    "dash.name_hint_signed": "Draf Anda ditandatangani \"{name}\", dibaca dari alamat e-mail Anda.",
    "dash.name_hint_link": "Atur nama Anda di Pengaturan.",
    "settings.user_name": "Nama Anda",
    "settings.user_name_hint": "Nama penanda tangan draf Anda, mis. Sari Wijaya.",
    "err.user_name": "Nama berupa satu baris, paling banyak 100 karakter.",
    # issue 9
    "read.heading": "Google Calendar",
    "read.last": "Google terakhir dibaca",
    "read.never": "Google belum dibaca: pembacaan pertama sedang berjalan.",
    "read.pending": "pembacaan sedang berjalan",
    "read.error": "pembacaan terakhir gagal; akan dicoba lagi",
    "read.refresh": "Segarkan sekarang",
    "read.queued": "Google Calendar akan dibaca sebentar lagi.",
    "read.too_soon": "Google Calendar baru saja disegarkan. Coba lagi dalam semenit.",
}

CATALOGS: dict[str, dict[str, str]] = {"en": EN, "id": ID}


def gettext(key: str, lang: str = "en") -> str:
    """The text for `key` in `lang`, falling back to English, then to the key (never a crash)."""
    return CATALOGS.get(lang, EN).get(key) or EN.get(key, key)


def pick_lang(*candidates: str | None, accept: Iterable[str] = ()) -> Lang:
    """The first supported language among explicit choices, then the browser's, else English."""
    for candidate in (*candidates, *accept):
        if candidate:
            short = candidate.split("-")[0].lower()
            if short in LANGS:
                return short
    return "en"
