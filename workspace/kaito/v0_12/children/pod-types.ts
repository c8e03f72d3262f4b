// The slice of the Kubernetes pod API the inference builders write, as plain JSON.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { [key: string]: Json };
}

export interface VolumeMount {
  mountPath: string;
  name: string;
  readOnly?: boolean;
}

export interface Volume {
  name: string;
  [source: string]: Json | undefined;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: { containerPort: number; name?: string }[];
  resources?: { [key: string]: Json };
  livenessProbe?: { [key: string]: Json };
  readinessProbe?: { [key: string]: Json };
  startupProbe?: { [key: string]: Json };
  volumeMounts?: VolumeMount[];
}
