package dev.keyrack.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyrack.app.ApiError;
import dev.keyrack.domain.BrandProfile;
import dev.keyrack.domain.Device;
import dev.keyrack.domain.PinRules;
import dev.keyrack.functions.api.Params;
import dev.keyrack.functions.api.Request;
import dev.keyrack.functions.api.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * POST /access_codes/report_device_constraints: the PIN lengths a lock takes, as its owner knows
 * them ({@code supported_code_lengths}, or {@code min_code_length} and/or {@code max_code_length}).
 * They narrow its brand's lengths for that lock: codes created, updated and generated for it from
 * then on keep to them, and the device shows them in {@code properties.supported_code_lengths}.
 * Lengths its brand does not take are left out (Keyrack would send PINs the brand's cloud
 * refuses); none left is a 400. Codes already on the lock stay as they are. A new report replaces
 * the last.
 */
public final class AccessCodesReportDeviceConstraints implements Route {
  /** The OpenAPI document's bounds for a reported length. */
  static final int MIN = 4, MAX = 20;

  @Override public String path() { return "/access_codes/report_device_constraints"; }

  @Override public Set<String> methods() { return Set.of("POST"); }

  @Override
  public ObjectNode handle(Request req) {
    Params p = req.params();
    UUID id = p.requiredUuid("device_id");
    List<Integer> supported = p.integers("supported_code_lengths", 1, 100, MIN, MAX);
    Integer min = p.integer("min_code_length", MIN, MAX), max = p.integer("max_code_length", MIN, MAX);
    p.rejectUnknown();
    if (supported != null && (min != null || max != null)) {
      throw ApiError.invalidField("supported_code_lengths",
          "Give either supported_code_lengths or min_code_length/max_code_length, not both.");
    }
    if (supported == null && min == null && max == null) {
      throw ApiError.invalid("Give supported_code_lengths, or min_code_length and/or max_code_length.");
    }
    if (min != null && max != null && min > max) {
      throw ApiError.invalidField("min_code_length", "min_code_length must not be greater than max_code_length.");
    }
    if (supported == null) {
      supported = new ArrayList<>();
      for (int l = min == null ? MIN : min; l <= (max == null ? MAX : max); l++) supported.add(l);
    }
    Device d = req.services().accessCodes().device(req.workspaceId(), id);
    BrandProfile brand = BrandProfile.forDeviceType(d.deviceType()); // the brand's own lengths, not the last report's
    List<Integer> lengths = brand.narrowedLengths(supported);
    if (lengths.isEmpty()) {
      throw new ApiError(400, "invalid_input", "None of these lengths is one " + brand.manufacturerDisplayName()
          + " locks take (" + PinRules.lengths(brand) + " digits).");
    }
    DeviceChanges.change(req, d.deviceId(), current -> current.withReportedCodeLengths(lengths));
    return Request.body();
  }
}
