using Newtonsoft.Json.Linq;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>
/// <see cref="OmniGenV1Request"/> is fal's fal-ai/omnigen-v1 input, so its body (seed examples and every boundary) must
/// be valid for fal's published <c>OmnigenV1Input</c> as a whole: no projection, nothing tolerated.
/// </summary>
public class FalRequestContractTests
{
    public static TheoryData<string> OmniGenV1Variants => RequestVariants.Names(RequestVariants.OmniGenV1);

    [Theory]
    [MemberData(nameof(OmniGenV1Variants))]
    public async Task Every_omnigen_v1_request_is_a_valid_fal_OmnigenV1Input(string variant)
    {
        SchemaContract contract = await PublishedSchemas.FalOmnigenV1Input;
        ImageRequest request = RequestVariants.OmniGenV1[variant]();
        request.Validate();

        JObject body = WireCapture.JsonBody(await WireCapture.SendAsync(request));

        body.ShouldConformTo(contract, $"omnigen-v1 {variant}");
    }

    [Fact]
    public async Task Omnigen_v1_requests_send_only_parameters_fal_publishes()
    {
        SchemaContract contract = await PublishedSchemas.FalOmnigenV1Input;
        var sent = new HashSet<string>(StringComparer.Ordinal);
        foreach (Func<ImageRequest> create in RequestVariants.OmniGenV1.Values)
        {
            sent.UnionWith(WireCapture.JsonBody(await WireCapture.SendAsync(create())).Properties().Select(p => p.Name));
        }

        sent.Should().BeSubsetOf(contract.PropertyNames, "every parameter of OmniGenV1Request is one of fal's OmnigenV1Input");
        sent.Should().BeEquivalentTo(contract.PropertyNames, "the variants exercise every parameter fal publishes");
    }
}
