using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>Assertions that a JSON document satisfies a published schema, failing with NJsonSchema's errors (path and kind).</summary>
internal static class ContractAssertions
{
    /// <summary>Parses JSON as written: no date conversion, so strings stay strings for the validator.</summary>
    public static JToken ParseJson(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    /// <summary>
    /// Asserts that <paramref name="json"/> is valid for <paramref name="contract"/>, apart from the
    /// <paramref name="tolerated"/> known deviations. The failure lists every violation NJsonSchema reported.
    /// </summary>
    public static void ShouldConformTo(this JToken json, SchemaContract contract, string subject, params KnownDeviation[] tolerated)
    {
        IReadOnlyList<SchemaViolation> violations = contract.Validate(json);
        List<SchemaViolation> unexplained = [.. violations.Where(v => !tolerated.Any(d => d.Explains(contract, v)))];

        unexplained.Should().BeEmpty(
            "{0} must be a valid {1}; NJsonSchema reported (path kind):{2}{3}{2}for {4}",
            subject, contract.Name, Environment.NewLine, SchemaViolation.Describe(violations), json.ToString(Formatting.None));
    }

    /// <summary>Asserts that validating <paramref name="json"/> reports exactly the violations of <paramref name="deviation"/>, so the deviation still exists.</summary>
    public static void ShouldShowOnly(this JToken json, SchemaContract contract, KnownDeviation deviation)
    {
        IReadOnlyList<SchemaViolation> violations = contract.Validate(json);

        violations.Should().NotBeEmpty("{0} should still be found in {1}", deviation.Finding, json.ToString(Formatting.None));
        violations.Should().OnlyContain(
            v => deviation.Explains(contract, v),
            "only the known deviation should be reported ({0}); NJsonSchema reported:{1}{2}",
            deviation.Finding, Environment.NewLine, SchemaViolation.Describe(violations));
    }
}
