import Testing
@testable import ToolHostCore

@Suite("Validating inputs against normalised schemas")
struct SchemaValidatorTests {
    private let schema: JSONValue = [
        "type": "object",
        "properties": [
            "name": ["type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"],
            "count": ["type": "integer", "minimum": 1, "maximum": 10, "default": 3],
            "mode": ["type": "string", "enum": ["fast", "slow"], "default": "fast"],
            "ratio": ["type": "number", "exclusiveMinimum": 0, "multipleOf": 0.25],
            "tags": ["type": "array", "items": ["type": "string"], "minItems": 1, "uniqueItems": true],
            "options": [
                "type": "object",
                "properties": ["depth": ["type": "integer", "default": 1], "label": ["type": "string"]],
                "required": ["label"],
                "additionalProperties": false,
            ],
        ],
        "required": ["name"],
    ]

    @Test func validInputGetsDefaultsFilledInIncludingNestedOnes() {
        let result = SchemaValidator.validate(["name": "abc", "options": ["label": "x"]], against: schema)
        #expect(result.violations.isEmpty)
        #expect(result.value == ["name": "abc", "options": ["label": "x", "depth": 1], "count": 3, "mode": "fast"])
    }

    @Test func everyViolationIsReportedWithItsPath() {
        let input: JSONValue = [
            "count": 11,
            "mode": "medium",
            "ratio": 0.3,
            "tags": ["a", "a", 5],
            "options": ["depth": "deep", "lable": "x"],
        ]
        let result = SchemaValidator.validate(input, against: schema)
        let paths = result.violations.map(\.path)
        #expect(paths.contains("/name"))          // required
        #expect(paths.contains("/count"))         // maximum
        #expect(paths.contains("/mode"))          // enum
        #expect(paths.contains("/ratio"))         // multipleOf
        #expect(paths.contains("/tags/1"))        // uniqueItems
        #expect(paths.contains("/tags/2"))        // item type
        #expect(paths.contains("/options/depth")) // nested type
        #expect(paths.contains("/options/label")) // nested required
        #expect(paths.contains("/options/lable")) // additionalProperties
        #expect(result.violations.count == 9)
        let unknown = result.violations.first { $0.path == "/options/lable" }
        #expect(unknown?.message.contains("did you mean 'label'") == true)
    }

    static let singleViolations: [(JSONValue, String, String)] = [
        (["name": "a"], "/name", "at least 2"),
        (["name": "abcdef"], "/name", "at most 5"),
        (["name": "AB"], "/name", "pattern"),
        (["name": "ab", "count": 0], "/count", "at least 1"),
        (["name": "ab", "count": 2.5], "/count", "must be an integer"),
        (["name": "ab", "ratio": 0], "/ratio", "greater than 0"),
        (["name": "ab", "tags": []], "/tags", "at least 1 item"),
        (["name": 7], "/name", "must be a string"),
    ]

    @Test(arguments: singleViolations)
    func singleViolationsSayWhatIsWrong(input: JSONValue, path: String, phrase: String) {
        let result = SchemaValidator.validate(input, against: schema)
        #expect(result.violations.count == 1)
        #expect(result.violations.first?.path == path)
        #expect(result.violations.first?.message.contains(phrase) == true, "\(result.violations)")
    }

    @Test func integralDoublesCountAsIntegersAndArePassedOnAsIntegers() {
        let result = SchemaValidator.validate(["name": "ab", "count": 4.0, "ratio": 2.0, "options": ["label": "x", "depth": 2.0]], against: schema)
        #expect(result.isValid)
        // Written as JSON, `4.0` would reach a Python plugin as a float.
        let written = JSONWriter.string(result.value["count"] ?? .null) + JSONWriter.string(result.value["options"]?["depth"] ?? .null)
        #expect(written == "42")
        #expect(result.value["ratio"] == .double(2.0))
        if case .double? = result.value["ratio"] {} else { Issue.record("a number keeps its spelling: \(result.value)") }
        let huge = SchemaValidator.validate(["name": "ab", "count": 1e19], against: schema)
        #expect(huge.violations.first?.path == "/count")
        #expect(huge.violations.first?.message.hasPrefix("is too large") == true, "\(huge.violations)")
    }

    @Test func aNullForAnOptionalPropertyIsNotGivenAndItsDefaultApplies() {
        let result = SchemaValidator.validate(["name": "ab", "count": nil, "tags": nil, "options": ["label": "x", "depth": nil]], against: schema)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.value == ["name": "ab", "count": 3, "mode": "fast", "options": ["label": "x", "depth": 1]])
        let required = SchemaValidator.validate(["name": nil, "options": ["label": nil]], against: schema)
        #expect(required.violations == [Violation(path: "/name", message: "is required and cannot be null"),
                                        Violation(path: "/options/label", message: "is required and cannot be null")])
    }

    @Test func aTypeOfIntegerOrNumberKeepsFractionsAndLargeNumbers() {
        let schema: JSONValue = ["type": "object", "properties": ["n": ["type": ["integer", "number"]]]]
        let fraction = SchemaValidator.validate(["n": 2.5], against: schema)
        #expect(fraction.isValid)
        #expect(fraction.value["n"] == .double(2.5))
        let huge = SchemaValidator.validate(["n": 1e19], against: schema)
        #expect(huge.isValid, "\(huge.violations)")
        let integral = SchemaValidator.validate(["n": 3.0], against: schema)
        #expect(JSONWriter.string(integral.value) == #"{"n":3}"#)
    }

    @Test func nullsAndIntegersAreNormalisedInsideAllOfAnyOfAndOneOf() {
        let schema: JSONValue = [
            "type": "object",
            "required": ["mode"],
            "allOf": [["properties": ["mode": ["type": "string"]]]],
            "oneOf": [
                ["properties": ["kind": ["const": "a"], "size": ["type": "integer", "default": 1], "note": ["type": "string"]], "required": ["kind"]],
                ["properties": ["kind": ["const": "b"]], "required": ["kind"]],
            ],
        ]
        let refused = SchemaValidator.validate(["mode": nil, "kind": "b"], against: schema)
        #expect(refused.violations.map(\.description) == ["/mode is required and cannot be null"])
        let normalised = SchemaValidator.validate(["mode": "m", "kind": "a", "size": 4.0, "note": nil], against: schema)
        #expect(normalised.isValid, "\(normalised.violations)")
        #expect(JSONWriter.string(normalised.value["size"] ?? .null) == "4")
        #expect(normalised.value["note"] == nil)
        let defaulted = SchemaValidator.validate(["mode": "m", "kind": "a", "size": nil], against: schema)
        #expect(defaulted.value["size"] == 1)
    }

    @Test func aNullStaysWhereTheSchemaNamesNullAndInFreeFormObjects() {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "note": ["type": ["string", "null"], "default": "none"],
                "choice": ["enum": ["a", nil]],
                "either": ["anyOf": [["type": "string"], ["type": "null"]]],
                "data": ["type": "object"],
            ],
            "required": ["note"],
        ]
        let result = SchemaValidator.validate(["note": nil, "choice": nil, "either": nil, "data": ["column": nil]], against: schema)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.value == ["note": nil, "choice": nil, "either": nil, "data": ["column": nil]])
    }

    @Test func nonObjectInputIsReportedAtTheRoot() {
        let result = SchemaValidator.validate([1, 2], against: schema)
        #expect(result.violations == [Violation(path: "", message: "must be an object, not an array")])
    }

    @Test func anyOfAndOneOfNeedMatchingAlternatives() {
        let either: JSONValue = ["anyOf": [["type": "string"], ["type": "integer", "minimum": 0]]]
        #expect(SchemaValidator.validate("x", against: either).isValid)
        #expect(SchemaValidator.validate(3, against: either).isValid)
        let failed = SchemaValidator.validate(-1, against: either)
        #expect(failed.violations.count == 1)
        #expect(failed.violations[0].message.contains("closest"))

        let exactlyOne: JSONValue = ["oneOf": [["type": "integer"], ["type": "number", "minimum": 10]]]
        #expect(SchemaValidator.validate(5, against: exactlyOne).isValid)
        #expect(SchemaValidator.validate(2.5, against: exactlyOne).violations.count == 1)
        #expect(SchemaValidator.validate(12, against: exactlyOne).violations.first?.message.contains("exactly one") == true)
    }

    @Test func additionalPropertiesSchemaAndConstAndNotApply() {
        let strictMap: JSONValue = ["type": "object", "additionalProperties": ["type": "integer"]]
        #expect(SchemaValidator.validate(["a": 1], against: strictMap).isValid)
        #expect(SchemaValidator.validate(["a": "x"], against: strictMap).violations.first?.path == "/a")
        #expect(SchemaValidator.validate("v2", against: ["const": "v1"]).violations.count == 1)
        #expect(SchemaValidator.validate("x", against: ["not": ["type": "string"]]).violations.count == 1)
    }

    @Test func containsAndPropertyNamesApply() {
        let needsNumber: JSONValue = ["type": "array", "contains": ["type": "integer"]]
        #expect(SchemaValidator.validate(["a", 1], against: needsNumber).isValid)
        #expect(SchemaValidator.validate(["a", "b"], against: needsNumber).violations.count == 1)
        let lowerKeys: JSONValue = ["type": "object", "propertyNames": ["pattern": "^[a-z]+$"]]
        #expect(SchemaValidator.validate(["ok": 1], against: lowerKeys).isValid)
        #expect(SchemaValidator.validate(["Bad": 1], against: lowerKeys).violations.first?.path == "/Bad")
    }

    @Test func prefixItemsCheckPositions() {
        let pair: JSONValue = ["type": "array", "prefixItems": [["type": "string"], ["type": "integer"]]]
        #expect(SchemaValidator.validate(["a", 1], against: pair).isValid)
        #expect(SchemaValidator.validate([1, "a"], against: pair).violations.map(\.path) == ["/0", "/1"])
    }

    @Test func keysWithSlashesAreEscapedInPaths() {
        let schema: JSONValue = ["type": "object", "properties": ["a/b": ["type": "integer"]]]
        #expect(SchemaValidator.validate(["a/b": "x"], against: schema).violations.first?.path == "/a~1b")
    }
}
