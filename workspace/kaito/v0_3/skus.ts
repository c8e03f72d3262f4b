// The GPU instance types KAITO v0.3.2 knows, as data. Two tables, as in KAITO: the webhook checks
// a Workspace against api/v1alpha1/sku_config.go (and sizes tuning processes from it); the
// controller sizes the nvidia.com/gpu request from its cloud SKU handler (pkg/sku), whose Azure
// table spells some SKUs differently (Standard_ND96asr_A100_v4 against Standard_ND96asr_v4).
import type { CloudProvider } from "../types.js";

export interface GpuSku {
  readonly gpuCount: number;
  /** GPU memory of the whole instance, GiB. */
  readonly gpuMemGi: number;
}

/** [name, GPUs, GPU memory GiB] */
type Row = readonly [string, number, number];
const table = (rows: readonly Row[]): ReadonlyMap<string, GpuSku> => new Map(rows.map(([sku, gpuCount, gpuMemGi]) => [sku, { gpuCount, gpuMemGi }]));

/** The webhook's table (sku_config.go SupportedGPUConfigs). */
export const WEBHOOK_SKUS_V03 = table([
  ["Standard_NC6", 1, 12],
  ["Standard_NC12", 2, 24],
  ["Standard_NC24", 4, 48],
  ["Standard_NC24r", 4, 48],
  ["Standard_NV6", 1, 8],
  ["Standard_NV12", 2, 16],
  ["Standard_NV24", 4, 32],
  ["Standard_NV12s_v3", 1, 8],
  ["Standard_NV24s_v3", 2, 16],
  ["Standard_NV48s_v3", 4, 32],
  ["Standard_ND6s", 1, 24],
  ["Standard_ND12s", 2, 48],
  ["Standard_ND24s", 4, 96],
  ["Standard_ND24rs", 4, 96],
  ["Standard_NC6s_v2", 1, 16],
  ["Standard_NC12s_v2", 2, 32],
  ["Standard_NC24s_v2", 4, 64],
  ["Standard_NC24rs_v2", 4, 64],
  ["Standard_NC6s_v3", 1, 16],
  ["Standard_NC12s_v3", 2, 32],
  ["Standard_NC24s_v3", 4, 64],
  ["Standard_NC24rs_v3", 4, 64],
  ["Standard_ND40rs_v2", 8, 256],
  ["Standard_NC4as_T4_v3", 1, 16],
  ["Standard_NC8as_T4_v3", 1, 16],
  ["Standard_NC16as_T4_v3", 1, 16],
  ["Standard_NC64as_T4_v3", 4, 64],
  ["Standard_ND96asr_v4", 8, 320],
  ["Standard_ND96amsr_A100_v4", 8, 640],
  ["Standard_NC24ads_A100_v4", 1, 80],
  ["Standard_NC48ads_A100_v4", 2, 160],
  ["Standard_NC96ads_A100_v4", 4, 320],
  ["Standard_NV6ads_A10_v5", 1, 4],
  ["Standard_NV12ads_A10_v5", 1, 8],
  ["Standard_NV18ads_A10_v5", 1, 12],
  ["Standard_NV36ads_A10_v5", 1, 24],
  ["Standard_NV36adms_A10_v5", 1, 24],
  ["Standard_NV72ads_A10_v5", 2, 48],
]);

/** The controller's Azure SKU handler (pkg/sku/azure_sku_handler.go). */
const AZURE_CONTROLLER_SKUS = table([
  ["Standard_NC6s_v3", 1, 16],
  ["Standard_NC12s_v3", 2, 32],
  ["Standard_NC24s_v3", 4, 64],
  ["Standard_NC24rs_v3", 4, 64],
  ["Standard_NC4as_T4_v3", 1, 16],
  ["Standard_NC8as_T4_v3", 1, 16],
  ["Standard_NC16as_T4_v3", 1, 16],
  ["Standard_NC64as_T4_v3", 4, 64],
  ["Standard_NC24ads_A100_v4", 1, 80],
  ["Standard_NC48ads_A100_v4", 2, 160],
  ["Standard_NC96ads_A100_v4", 4, 320],
  ["Standard_ND96asr_A100_v4", 8, 320],
  ["Standard_NG32ads_V620_v1", 1, 32],
  ["Standard_NG32adms_V620_v1", 1, 32],
  ["Standard_NV6", 1, 8],
  ["Standard_NV12", 2, 16],
  ["Standard_NV24", 4, 32],
  ["Standard_NV12s_v3", 1, 8],
  ["Standard_NV24s_v3", 2, 16],
  ["Standard_NV48s_v3", 4, 32],
  ["Standard_NV32as_v4", 1, 16],
  ["Standard_ND96amsr_A100_v4", 8, 80],
]);

/** The controller's AWS SKU handler (pkg/sku/aws_sku_handler.go). */
const AWS_CONTROLLER_SKUS = table([
  ["p2.xlarge", 1, 12],
  ["p2.8xlarge", 8, 96],
  ["p2.16xlarge", 16, 192],
  ["p3.2xlarge", 1, 16],
  ["p3.8xlarge", 4, 64],
  ["p3.16xlarge", 8, 128],
  ["p3dn.24xlarge", 8, 256],
  ["p4d.24xlarge", 8, 320],
  ["p4de.24xlarge", 8, 640],
  ["p5.48xlarge", 8, 640],
  ["g6.xlarge", 1, 24],
  ["g6.2xlarge", 1, 24],
  ["g6.4xlarge", 1, 24],
  ["g6.8xlarge", 1, 24],
  ["g6.16xlarge", 1, 24],
  ["gr6.4xlarge", 1, 24],
  ["gr6.8xlarge", 1, 24],
  ["g6.12xlarge", 4, 96],
  ["g6.24xlarge", 4, 96],
  ["g6.48xlarge", 8, 192],
  ["g5g.xlarge", 1, 16],
  ["g5g.2xlarge", 1, 16],
  ["g5g.4xlarge", 1, 16],
  ["g5g.8xlarge", 1, 16],
  ["g5g.16xlarge", 2, 32],
  ["g5g.metal", 2, 32],
  ["g5.xlarge", 1, 24],
  ["g5.2xlarge", 1, 24],
  ["g5.4xlarge", 1, 24],
  ["g5.8xlarge", 1, 24],
  ["g5.12xlarge", 4, 96],
  ["g5.16xlarge", 1, 24],
  ["g5.24xlarge", 4, 96],
  ["g5.48xlarge", 8, 192],
  ["g4dn.xlarge", 1, 16],
  ["g4dn.2xlarge", 1, 16],
  ["g4dn.4xlarge", 1, 16],
  ["g4dn.8xlarge", 1, 16],
  ["g4dn.16xlarge", 1, 16],
  ["g4dn.12xlarge", 4, 64],
  ["g4dn.metal", 8, 128],
  ["g4ad.xlarge", 1, 8],
  ["g4ad.2xlarge", 1, 8],
  ["g4ad.4xlarge", 1, 8],
  ["g4ad.8xlarge", 2, 16],
  ["g4ad.16xlarge", 4, 32],
  ["g3s.xlarge", 1, 8],
  ["g3s.4xlarge", 1, 8],
  ["g3s.8xlarge", 2, 16],
  ["g3s.16xlarge", 4, 32],
  ["trn1.2xlarge", 1, 32],
  ["trn1.32xlarge", 16, 512],
  ["trn1n.32xlarge", 16, 512],
  ["inf2.xlarge", 1, 32],
  ["inf2.8xlarge", 1, 32],
  ["inf2.24xlarge", 6, 192],
  ["inf2.48xlarge", 12, 384],
]);

export function controllerSkusV03(cloud: CloudProvider): ReadonlyMap<string, GpuSku> {
  return cloud === "aws" ? AWS_CONTROLLER_SKUS : AZURE_CONTROLLER_SKUS;
}

/** Names the v0.3.2 webhook lets through without knowing them (Azure N- and D-series). */
export const UNCHECKED_SKU_PREFIXES_V03 = ["Standard_N", "Standard_D"] as const;
