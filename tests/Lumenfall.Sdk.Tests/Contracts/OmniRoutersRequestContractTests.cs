using Newtonsoft.Json.Linq;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>
/// <see cref="OmniImageRequest"/> against the request body schema OmniRouters publishes for <c>POST /v1/images/generations</c>
/// in its openapi.yaml (loaded as YAML). That schema requires model and prompt and describes a Seedream-style body
/// (image, response_format, size, stream, watermark); it does not forbid other properties, so the whole body is judged.
/// </summary>
public class OmniRoutersRequestContractTests
{
    public static TheoryData<string> OmniImageVariants => RequestVariants.Names(RequestVariants.OmniImage);

    [Theory]
    [MemberData(nameof(OmniImageVariants))]
    public async Task Every_omni_image_request_is_a_valid_body_for_the_published_images_generations_route(string variant)
    {
        SchemaContract contract = await PublishedSchemas.OmniRoutersImagesGenerationsRequest;
        ImageRequest request = RequestVariants.OmniImage[variant]();
        request.Validate();

        JObject body = WireCapture.JsonBody(await WireCapture.SendAsync(request));

        body.ShouldConformTo(contract, $"omni-image {variant}");
    }

    /// <summary>
    /// A finding, pinned: the Omni-Image page documents resolution, aspect_ratio, images, quality, n and input_region, and the
    /// SDK sends them; openapi.yaml declares none of them (it has image, singular, and size instead). They pass only because
    /// the published schema leaves additional properties open.
    /// </summary>
    [Fact]
    public async Task Omni_image_sends_exactly_the_six_page_documented_fields_that_openapi_yaml_does_not_declare()
    {
        SchemaContract contract = await PublishedSchemas.OmniRoutersImagesGenerationsRequest;
        var undeclared = new HashSet<string>(StringComparer.Ordinal);
        foreach (Func<ImageRequest> create in RequestVariants.OmniImage.Values)
        {
            JObject body = WireCapture.JsonBody(await WireCapture.SendAsync(create()));
            undeclared.UnionWith(body.Properties().Select(p => p.Name).Where(name => !contract.PropertyNames.Contains(name)));
        }

        undeclared.Should().BeEquivalentTo(["resolution", "aspect_ratio", "images", "quality", "n", "input_region"]);
    }
}
