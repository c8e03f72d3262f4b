// KAITO v0.12.0's GPU instance types per cloud (pkg/sku): GPUs per node, GPU memory per node,
// GPU model and whether the node has local NVMe disks (then the weights go to a volume claim on
// KAITO's local NVMe storage class). Data only; older GPUs (before Ampere) are not listed, as KAITO
// removed them.
import type { CloudProvider } from "../../types.js";

export interface SkuConfig {
  readonly sku: string;
  readonly gpuCount: number;
  /** GPU memory of the whole node, GiB. */
  readonly gpuMemGiB: number;
  readonly gpuModel: string;
  readonly nvme?: boolean;
}

const AZURE: readonly SkuConfig[] = [
  { sku: "Standard_NV36ads_A10_v5", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA A10" },
  { sku: "Standard_NV72ads_A10_v5", gpuCount: 2, gpuMemGiB: 48, gpuModel: "NVIDIA A10" },
  { sku: "Standard_NC24ads_A100_v4", gpuCount: 1, gpuMemGiB: 80, gpuModel: "NVIDIA A100", nvme: true },
  { sku: "Standard_NC48ads_A100_v4", gpuCount: 2, gpuMemGiB: 160, gpuModel: "NVIDIA A100", nvme: true },
  { sku: "Standard_NC96ads_A100_v4", gpuCount: 4, gpuMemGiB: 320, gpuModel: "NVIDIA A100", nvme: true },
  { sku: "Standard_ND96asr_A100_v4", gpuCount: 8, gpuMemGiB: 320, gpuModel: "NVIDIA A100" },
  { sku: "Standard_ND96amsr_A100_v4", gpuCount: 8, gpuMemGiB: 640, gpuModel: "NVIDIA A100", nvme: true },
  { sku: "Standard_NC40ads_H100_v5", gpuCount: 1, gpuMemGiB: 94, gpuModel: "NVIDIA H100", nvme: true },
  { sku: "Standard_NC80adis_H100_v5", gpuCount: 2, gpuMemGiB: 188, gpuModel: "NVIDIA H100", nvme: true },
  { sku: "Standard_ND96isr_H100_v5", gpuCount: 8, gpuMemGiB: 640, gpuModel: "NVIDIA H100", nvme: true },
  { sku: "Standard_NCC40ads_H100_v5", gpuCount: 1, gpuMemGiB: 94, gpuModel: "NVIDIA H100" },
  { sku: "Standard_ND96isr_H200_v5", gpuCount: 8, gpuMemGiB: 1128, gpuModel: "NVIDIA H200", nvme: true },
  { sku: "Standard_NG32ads_V620_v1", gpuCount: 1, gpuMemGiB: 32, gpuModel: "AMD Radeon PRO V620" },
  { sku: "Standard_NG32adms_V620_v1", gpuCount: 1, gpuMemGiB: 32, gpuModel: "AMD Radeon PRO V620" },
];

const AWS: readonly SkuConfig[] = [
  { sku: "p4d.24xlarge", gpuCount: 8, gpuMemGiB: 320, gpuModel: "NVIDIA A100", nvme: true },
  { sku: "p4de.24xlarge", gpuCount: 8, gpuMemGiB: 640, gpuModel: "NVIDIA A100", nvme: true },
  { sku: "p5.48xlarge", gpuCount: 8, gpuMemGiB: 640, gpuModel: "NVIDIA H100", nvme: true },
  { sku: "p5e.48xlarge", gpuCount: 8, gpuMemGiB: 1128, gpuModel: "NVIDIA H200", nvme: true },
  { sku: "p5en.48xlarge", gpuCount: 8, gpuMemGiB: 1128, gpuModel: "NVIDIA H200", nvme: true },
  { sku: "g6.xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "g6.2xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "g6.4xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "g6.8xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "g6.16xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "gr6.4xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "gr6.8xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "g6.12xlarge", gpuCount: 4, gpuMemGiB: 96, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "g6.24xlarge", gpuCount: 4, gpuMemGiB: 96, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "g6.48xlarge", gpuCount: 8, gpuMemGiB: 192, gpuModel: "NVIDIA L4", nvme: true },
  { sku: "g5.xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA A10G", nvme: true },
  { sku: "g5.2xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA A10G", nvme: true },
  { sku: "g5.4xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA A10G", nvme: true },
  { sku: "g5.8xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA A10G", nvme: true },
  { sku: "g5.12xlarge", gpuCount: 4, gpuMemGiB: 96, gpuModel: "NVIDIA A10G", nvme: true },
  { sku: "g5.16xlarge", gpuCount: 1, gpuMemGiB: 24, gpuModel: "NVIDIA A10G", nvme: true },
  { sku: "g5.24xlarge", gpuCount: 4, gpuMemGiB: 96, gpuModel: "NVIDIA A10G", nvme: true },
  { sku: "g5.48xlarge", gpuCount: 8, gpuMemGiB: 192, gpuModel: "NVIDIA A10G", nvme: true },
  { sku: "g4ad.xlarge", gpuCount: 1, gpuMemGiB: 8, gpuModel: "AMD Radeon Pro V520", nvme: true },
  { sku: "g4ad.2xlarge", gpuCount: 1, gpuMemGiB: 8, gpuModel: "AMD Radeon Pro V520", nvme: true },
  { sku: "g4ad.4xlarge", gpuCount: 1, gpuMemGiB: 8, gpuModel: "AMD Radeon Pro V520", nvme: true },
  { sku: "g4ad.8xlarge", gpuCount: 2, gpuMemGiB: 16, gpuModel: "AMD Radeon Pro V520", nvme: true },
  { sku: "g4ad.16xlarge", gpuCount: 4, gpuMemGiB: 32, gpuModel: "AMD Radeon Pro V520", nvme: true },
  { sku: "trn1.2xlarge", gpuCount: 1, gpuMemGiB: 32, gpuModel: "AWS Trainium accelerators", nvme: true },
  { sku: "trn1.32xlarge", gpuCount: 16, gpuMemGiB: 512, gpuModel: "AWS Trainium accelerators", nvme: true },
  { sku: "trn1n.32xlarge", gpuCount: 16, gpuMemGiB: 512, gpuModel: "AWS Trainium accelerators", nvme: true },
  { sku: "inf2.xlarge", gpuCount: 1, gpuMemGiB: 32, gpuModel: "AWS Inferentia2 accelerators" },
  { sku: "inf2.8xlarge", gpuCount: 1, gpuMemGiB: 32, gpuModel: "AWS Inferentia2 accelerators" },
  { sku: "inf2.24xlarge", gpuCount: 6, gpuMemGiB: 192, gpuModel: "AWS Inferentia2 accelerators" },
  { sku: "inf2.48xlarge", gpuCount: 12, gpuMemGiB: 384, gpuModel: "AWS Inferentia2 accelerators" },
];

export const SKUS: Readonly<Record<CloudProvider, readonly SkuConfig[]>> = { azure: AZURE, aws: AWS };
