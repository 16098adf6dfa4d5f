/// Cyrillic and Greek letters drawn like Latin ones, folded to the Latin letter before secrets
/// are compared, so `ѕk-…` with a Cyrillic `ѕ` is still the key. Only letters whose usual glyphs
/// are indistinguishable are listed; NFKC already takes care of full-width and styled forms.
enum LookAlikeLetters {
    static let latin: [Unicode.Scalar: Unicode.Scalar] = {
        let pairs: [(String, String)] = [
            // Cyrillic, lower case and capitals.
            ("а", "a"), ("с", "c"), ("ԁ", "d"), ("е", "e"), ("һ", "h"), ("і", "i"), ("ј", "j"), ("ӏ", "l"),
            ("о", "o"), ("р", "p"), ("ԛ", "q"), ("ѕ", "s"), ("ԝ", "w"), ("х", "x"), ("у", "y"),
            ("А", "A"), ("В", "B"), ("С", "C"), ("Е", "E"), ("Н", "H"), ("І", "I"), ("Ј", "J"), ("К", "K"),
            ("М", "M"), ("О", "O"), ("Р", "P"), ("Ѕ", "S"), ("Т", "T"), ("Х", "X"), ("Ү", "Y"), ("Ԝ", "W"),
            // Greek.
            ("Α", "A"), ("Β", "B"), ("Ε", "E"), ("Ζ", "Z"), ("Η", "H"), ("Ι", "I"), ("Κ", "K"), ("Μ", "M"),
            ("Ν", "N"), ("Ο", "O"), ("Ρ", "P"), ("Τ", "T"), ("Υ", "Y"), ("Χ", "X"), ("ο", "o"), ("ν", "v"),
            ("α", "a"), ("ι", "i"), ("κ", "k"), ("ρ", "p"), ("υ", "u"),
        ]
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (lookAlike, latin) in pairs {
            map[lookAlike.unicodeScalars.first!] = latin.unicodeScalars.first!
        }
        return map
    }()
}
