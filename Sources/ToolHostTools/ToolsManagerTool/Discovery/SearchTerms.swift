import ToolHostCore

/// The words a tool text or a need is matched on: lowercased ASCII words split at punctuation,
/// underscores and camelCase humps (`csv_to_json`, `parseHTML` → csv, json, parse, html),
/// common words dropped, and each word reduced to a stem so that "storing", "stored" and
/// "store" meet ("stor").
///
/// The stemmer is a light suffix stripper in the spirit of Porter's, not a dictionary: it only
/// has to map the forms of one word to one key, never to produce a real word.
enum SearchTerms {
    /// The stems of `text`, in order (a word may repeat).
    static func stems(_ text: String) -> [String] {
        words(text).map(stem)
    }

    /// The words of `text` (`WordSplitter`, as the hashing embedder reads them), stop words
    /// left out.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        WordSplitter.forEachWord(in: text) { bytes in
            if let word = String(validating: bytes, as: UTF8.self), !stopWords.contains(word) { words.append(word) }
        }
        return words
    }

    /// Words that say nothing about what a tool does: English function words, the filler of
    /// requests ("I need a tool that can ...") and light verbs.
    static let stopWords: Set<String> = [
        "a", "an", "the", "to", "of", "and", "or", "in", "on", "for", "with", "by", "is", "are", "be", "been", "it", "its",
        "this", "that", "these", "those", "from", "as", "at", "i", "me", "my", "we", "our", "you", "your", "can", "could",
        "do", "does", "how", "what", "which", "who", "want", "need", "needs", "some", "any", "all", "into", "so", "if",
        "then", "there", "their", "them", "they", "will", "would", "should", "please", "tool", "tools", "something",
        "thing", "things", "give", "let", "get", "got", "just", "also", "like", "about", "one", "has", "have", "was",
        "were", "not", "no", "but", "when", "where", "than", "too", "very", "s", "e", "g", "eg", "ie", "etc", "via",
        "using", "use", "way", "able", "else", "here", "out", "up", "off", "over", "per", "each", "every", "other",
        // Light verbs: in a request they carry the sentence, not the task ("make sure", "make
        // this photo smaller", "put this file in the bucket", "tell me what time it is").
        "make", "sure", "put", "take", "tell", "see", "know", "help",
    ]

    /// The stem of one lowercased word: British spellings to American ones ("summarise" →
    /// "summarize"), plural and verb endings, a final "e", then one derivational suffix (so
    /// "parse", "parser", "parsing", "parsed" all give "pars", and "validation" and
    /// "validate" give "valid"). Words of three letters or fewer keep their form.
    static func stem(_ word: String) -> String {
        var w = Array(word.utf8)
        guard w.count > 3, w.allSatisfy({ $0 < 0x80 }) else { return word }
        if w.count >= 7 {
            for (british, american) in britishEndings where ends(w, british) {
                w = w.dropLast(british.utf8.count) + Array(american.utf8)
                break
            }
        }
        // Plurals and third persons.
        if ends(w, "sses") { w.removeLast(2) }
        else if ends(w, "ies"), w.count > 4 { w.removeLast(3); w.append(UInt8(ascii: "y")) }
        else if ends(w, "ches") || ends(w, "shes") || ends(w, "xes") || ends(w, "zes") { w.removeLast(2) }
        else if ends(w, "s"), !ends(w, "ss"), !ends(w, "us"), !ends(w, "is") { w.removeLast() }
        // Verb forms, keeping at least three letters with a vowel.
        for suffix in ["ing", "ed"] where w.count > 4 && ends(w, suffix) && w.count - suffix.utf8.count >= 3
            && w.dropLast(suffix.utf8.count).contains(where: isVowel) {
            w.removeLast(suffix.utf8.count)
            // "running" → "run", "mapped" → "map", but "fill", "pass" keep their doubles.
            if let last = w.last, w.count >= 3, w[w.count - 2] == last, !"lsz".utf8.contains(last), !isVowel(last) { w.removeLast() }
            break
        }
        if w.count > 3, w.last == UInt8(ascii: "e") { w.removeLast() }
        // One derivational suffix, longest first, leaving a stem of at least three letters.
        for suffix in derivational where ends(w, suffix) && w.count - suffix.utf8.count >= 3 {
            w.removeLast(suffix.utf8.count)
            break
        }
        if w.count > 3, w.last == UInt8(ascii: "y") { w[w.count - 1] = UInt8(ascii: "i") }
        return String(decoding: w, as: UTF8.self)
    }

    /// British endings and their American forms (applied to words of seven letters or more).
    static let britishEndings = [("isation", "ization"), ("isations", "izations"), ("ising", "izing"), ("ised", "ized"),
                                 ("ises", "izes"), ("iser", "izer"), ("isers", "izers"), ("ise", "ize"), ("yse", "yze"),
                                 ("ysed", "yzed"), ("ysing", "yzing"), ("our", "or"), ("ours", "ors")]

    /// Suffixes (after a final "e" is gone) that make nouns, adjectives and adverbs of a root:
    /// "compression" and "compressor" meet "compress", "archive" and "archiving" meet "arch".
    static let derivational = [
        "ational", "ization", "fulness", "iveness", "ation", "ition", "ement", "ment", "ness", "anc", "enc", "abl",
        "ibl", "ator", "izer", "iz", "ity", "ion", "iv", "ful", "ous", "at", "ant", "ent", "er", "or", "al", "ly", "ic",
    ]

    private static func ends(_ word: [UInt8], _ suffix: String) -> Bool {
        let tail = Array(suffix.utf8)
        return word.count >= tail.count && word.suffix(tail.count).elementsEqual(tail)
    }

    private static func isVowel(_ byte: UInt8) -> Bool {
        "aeiouy".utf8.contains(byte)
    }
}
