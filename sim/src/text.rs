//! Realistic and hostile text for synthetic conversations.
//!
//! Every exporter must survive what real shoppers type: accents, emoji, quotes and commas inside
//! a message, line breaks, text a spreadsheet would run as a formula, HTML, and very long
//! messages. The generators guarantee that each hostile string appears in the first few
//! conversations of every dataset, so even a small export meets all of them.

/// Strings that break naive CSV writers, spreadsheets or HTML rendering.
pub const HOSTILE: &[&str] = &[
    "Est-ce que la crème hydratante convient aux peaux sensibles ? Merci 🙏",
    "Il m'a dit \"oui, bien sûr\", puis plus rien, alors je réécris.",
    "Ligne 1\nLigne 2\r\nLigne 3 après un retour chariot",
    "=HYPERLINK(\"http://evil.example/\",\"Cliquez ici\")",
    "+33 6 12 34 56 78 est mon numéro",
    "-15% avec le code BIENVENUE ?",
    "@support je n'ai pas reçu ma commande",
    "\tcommence par une tabulation",
    "<script>alert('xss')</script> est-ce normal ?",
    "<img src=x onerror=alert(1)> <b>gras</b> &amp; entités",
    "日本語のメッセージです。サイズはありますか？",
    "مرحبا، هل يتوفر هذا المنتج؟",
    "Emoji galore 😀👍🏽🇫🇷👩‍👩‍👧 and a zero-width joiner",
    "A semicolon; a comma, a tab\tand a pipe | in one line",
    "   leading and trailing spaces   ",
];

/// Ordinary shopper questions, in French and English.
pub const USER_LINES: &[&str] = &[
    "Vous l'avez en 50 ml ?",
    "Parfait, je la prends.",
    "Quels sont les délais de livraison pour la Belgique ?",
    "Can I return an opened product?",
    "Do you ship to Canada?",
    "Je cherche un cadeau pour ma mère, une idée ?",
    "Is this suitable for oily skin?",
    "Mon code promo ne fonctionne pas.",
    "Where is my order #10452?",
    "C'est possible de parler à quelqu'un ?",
];

pub const ASSISTANT_LINES: &[&str] = &[
    "Oui, la crème hydratante existe en 50 ml.",
    "La livraison en Belgique prend 2 à 4 jours ouvrés.",
    "Yes, unopened and opened products can be returned within 30 days.",
    "We ship to Canada in 5 to 8 business days.",
    "Je vous propose le coffret découverte, très apprécié en cadeau.",
    "This gel is designed for oily and combination skin.",
    "Je transfère votre demande à un conseiller.",
    "Votre commande est en préparation et partira demain.",
];

pub const OPERATOR_LINES: &[&str] = &[
    "Bonjour, c'est Camille du service client. Je regarde votre commande.",
    "Hi, this is Sam from support. Let me check that for you.",
    "C'est réglé, un nouveau code vous a été envoyé par e-mail.",
];

pub const TITLES: &[&str] = &[
    "Question sur la crème hydratante",
    "Délai de livraison",
    "Return policy",
    "Code promo",
    "Suivi de commande",
    "Idée cadeau 🎁",
    "Shipping to Canada",
];

pub const NAMES: &[&str] = &[
    "Jane Doe",
    "Zoë Lefèvre",
    "Jean-Éric O'Brien",
    "Ana \"Nana\" Souza",
    "李雷",
    "=1+1 Smith",
];

pub const TAGS: &[&str] = &[
    "high-intent",
    "skincare",
    "retour/échange",
    "livraison",
    "vip",
    "=cmd",
    "gift, wrapped",
];

pub const PRODUCTS: &[(&str, f64)] = &[
    ("Crème hydratante", 29.90),
    ("Sérum éclat 30 ml", 42.0),
    ("Gel nettoyant", 12.5),
    ("Coffret découverte", 59.0),
    ("Baume à lèvres \"Rose\"", 7.95),
];

/// A message longer than the 32,767 characters a spreadsheet cell can hold.
pub fn very_long_message() -> String {
    let sentence = "Je vous écris un très long message, avec des virgules, des \"guillemets\" et des accents. ";
    let repeats = 40_000 / sentence.chars().count() + 1;
    sentence.repeat(repeats)
}
