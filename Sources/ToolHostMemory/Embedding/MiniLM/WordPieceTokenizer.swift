import ToolHostCore

/// BERT's WordPiece tokenizer as a `tokenizer.json` (Hugging Face `tokenizers`) describes it:
/// special tokens matched in the raw text, then `BertTextSplitter`'s words, each cut into the
/// longest vocabulary pieces from the left (`##` marks a piece inside a word); a word with a part
/// no piece covers, or longer than `max_input_chars_per_word` scalars, is one `[UNK]`.
/// `ids(_:)` wraps the pieces in `[CLS]` … `[SEP]` and keeps at most `maximumLength` ids in all.
struct WordPieceTokenizer: Sendable {
    let vocabulary: [String: Int32]
    let splitter: BertTextSplitter
    /// Tokens matched verbatim in the text before anything else (`[CLS]`, `[MASK]`, ...).
    let specialTokens: [(text: [UInt8], id: Int32)]
    let unknownID: Int32
    let classifierID: Int32
    let separatorID: Int32
    let continuationPrefix: String
    let maximumWordLength: Int
    let maximumLength: Int

    /// Reads `tokenizer.json`, refusing what this tokenizer does not implement.
    init(json: JSONValue, path: String, maximumLength: Int) throws(ToolHostError) {
        let model = json["model"]
        guard model?["type"]?.stringValue == "WordPiece", let entries = model?["vocab"]?.objectValue else {
            throw MiniLMFiles.invalid(path, "does not describe a WordPiece model with a vocabulary")
        }
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(entries.count)
        for (token, id) in entries {
            guard let id = id.integerValue, let id32 = Int32(exactly: id) else { throw MiniLMFiles.invalid(path, "gives the token \"\(token)\" an id that is not a number") }
            vocabulary[token] = id32
        }
        func id(_ token: String) throws(ToolHostError) -> Int32 {
            guard let id = vocabulary[token] else { throw MiniLMFiles.invalid(path, "has no \(token) in its vocabulary") }
            return id
        }
        self.vocabulary = vocabulary
        unknownID = try id(model?["unk_token"]?.stringValue ?? "[UNK]")
        classifierID = try id("[CLS]")
        separatorID = try id("[SEP]")
        continuationPrefix = model?["continuing_subword_prefix"]?.stringValue ?? "##"
        maximumWordLength = model?["max_input_chars_per_word"]?.integerValue ?? 100

        let normalizer = json["normalizer"]
        guard normalizer?["type"]?.stringValue == "BertNormalizer", json["pre_tokenizer"]?["type"]?.stringValue == "BertPreTokenizer" else {
            throw MiniLMFiles.invalid(path, "does not use BERT's normalizer and pre-tokenizer")
        }
        var splitter = BertTextSplitter()
        splitter.cleansText = normalizer?["clean_text"]?.boolValue ?? true
        splitter.isolatesChineseCharacters = normalizer?["handle_chinese_chars"]?.boolValue ?? true
        splitter.lowercases = normalizer?["lowercase"]?.boolValue ?? true
        // `strip_accents: null` means: strip them when lower-casing.
        splitter.stripsAccents = normalizer?["strip_accents"]?.boolValue ?? splitter.lowercases
        self.splitter = splitter

        var specialTokens: [(text: [UInt8], id: Int32)] = []
        for token in json["added_tokens"]?.arrayValue ?? [] {
            guard let content = token["content"]?.stringValue, !content.isEmpty, let id = token["id"]?.integerValue.flatMap(Int32.init(exactly:)) else {
                throw MiniLMFiles.invalid(path, "lists an added token without content or id")
            }
            guard token["normalized"]?.boolValue != true, token["single_word"]?.boolValue != true,
                  token["lstrip"]?.boolValue != true, token["rstrip"]?.boolValue != true else {
                throw MiniLMFiles.invalid(path, "lists the added token \"\(content)\" with matching rules (normalized, single_word, lstrip, rstrip) this tokenizer does not implement")
            }
            specialTokens.append((Array(content.utf8), id))
        }
        // Longest first, so that of two tokens starting at one place the longer wins.
        self.specialTokens = specialTokens.sorted { $0.text.count > $1.text.count }
        self.maximumLength = maximumLength
    }

    /// `[CLS]`, the text's pieces (cut to `maximumLength - 2`), `[SEP]`.
    func ids(_ text: String) -> [Int32] {
        var ids: [Int32] = [classifierID]
        ids += pieces(text).prefix(max(maximumLength - 2, 0))
        ids.append(separatorID)
        return ids
    }

    /// The ids of a text's pieces, without `[CLS]`/`[SEP]` and without a length limit.
    func pieces(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        forEachSegment(of: text) { segment, special in
            if let special {
                ids.append(special)
            } else {
                for word in splitter.words(segment) { appendPieces(of: word, to: &ids) }
            }
        }
        return ids
    }

    /// The text cut at special tokens: each stretch of ordinary text (the id is nil), and each
    /// special token (the substring is empty), in order. The leftmost match wins, then the longest.
    private func forEachSegment(of text: String, _ body: (Substring, Int32?) -> Void) {
        let utf8 = text.utf8
        var segmentStart = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            if let match = specialTokens.first(where: { utf8[index...].starts(with: $0.text) }) {
                if segmentStart != index { body(text[segmentStart..<index], nil) }
                index = utf8.index(index, offsetBy: match.text.count)
                segmentStart = index
                body(text[index..<index], match.id)
            } else {
                index = utf8.index(after: index)
            }
        }
        if segmentStart != utf8.endIndex { body(text[segmentStart..<utf8.endIndex], nil) }
    }

    /// Greedy longest-match-first WordPiece of one word.
    private func appendPieces(of word: String, to ids: inout [Int32]) {
        let scalars = Array(word.unicodeScalars)
        guard scalars.count <= maximumWordLength else {
            ids.append(unknownID)
            return
        }
        if let whole = vocabulary[word] {
            ids.append(whole)
            return
        }
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int32?
            while start < end {
                var candidate = start > 0 ? continuationPrefix : ""
                candidate.unicodeScalars.append(contentsOf: scalars[start..<end])
                if let id = vocabulary[candidate] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                ids.append(unknownID)
                return
            }
            pieces.append(found)
            start = end
        }
        ids += pieces
    }
}
