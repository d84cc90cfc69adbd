/**
 * The products the simulated fleet runs, by real Activation (SKU) ID from the PYKMS-ORG table
 * (docs/reference/kms-events.md §5.4). Kept here as data so the simulator does not depend on the
 * decoder's product table: truth.json must come from the simulator's own model.
 */
import type { KmsApplication } from '../kms/types.js';

export interface SimProduct {
  activationId: string;
  name: string;
  application: KmsApplication;
  minimumCount: number;
}

const p = (activationId: string, name: string, application: KmsApplication, minimumCount: number): SimProduct => ({
  activationId,
  name,
  application,
  minimumCount,
});

export const WORKSTATION_PRODUCTS: readonly SimProduct[] = [
  p('2de67392-b7a7-462a-b1ca-108dd189f588', 'Windows 10/11 Pro', 'Windows', 25),
  p('73111121-5638-40f6-bc11-f1d7b0d64300', 'Windows 10/11 Enterprise', 'Windows', 25),
  p('e0c42288-980c-4788-a014-c080d2e1926e', 'Windows 10/11 Education', 'Windows', 25),
  p('82bbc092-bc50-4e16-8e18-b74fc486aec3', 'Windows 10/11 Pro for Workstations', 'Windows', 25),
  p('32d2fab3-e4a8-42c2-923b-4bf4fd13e6ee', 'Windows 10 Enterprise LTSC 2019/2021', 'Windows', 25),
];

export const SERVER_PRODUCTS: readonly SimProduct[] = [
  p('9bd77860-9b31-4b7b-96ad-2564017315bf', 'Windows Server 2022 Standard', 'Windows', 5),
  p('ef6cfc9f-8c5d-44ac-9aad-de6a2ea0ae03', 'Windows Server 2022 Datacenter', 'Windows', 5),
  p('de32eafd-aaee-4662-9444-c1befb41bde2', 'Windows Server 2019 Standard', 'Windows', 5),
  p('34e1ae55-27f8-4950-8877-7a03be5fb181', 'Windows Server 2019 Datacenter', 'Windows', 5),
  p('8c1c5410-9f39-4805-8c9d-63a07706358f', 'Windows Server 2016 Standard', 'Windows', 5),
];

/** Multi-session Enterprise: a client OS with N-policy 5 (kms-events.md §3.2). */
export const MULTI_SESSION = p('ec868e65-fadf-4759-b23e-93fe37f2cc29', 'Windows 10/11 Enterprise multi-session', 'Windows', 5);

export const OFFICE_PRODUCTS: readonly SimProduct[] = [
  p('d450596f-894d-49e0-966a-fd39ed4c4c64', 'Office Professional Plus 2016', 'Office', 5),
  p('85dd8b5f-eaa4-4af3-a628-cce9e77c9a03', 'Office Professional Plus 2019', 'Office', 5),
  p('fbdb3e18-a8ef-4fb3-9183-dffd60bd0984', 'Office LTSC Professional Plus 2021', 'Office', 5),
];

/** A product the simulated hosts hold no key for: every request gets 0xC004F042. */
export const UNSUPPORTED_PRODUCT = p('8d368fc1-9470-4be2-8d66-90e836cbb051', 'Office LTSC Professional Plus 2024', 'Office', 5);

/** Application IDs (kms-events.md §5.3), used in the host's 1003 licensing-status events. */
export const APPLICATION_ID = {
  Windows: '55c92734-d682-4d71-983e-d6ec3f16059f',
  Office: '0ff1ce15-a989-479d-af46-f275c6370663',
} as const;

/** The KMS host's own product (a host key for Windows Server 2022). */
export const HOST_PRODUCT = SERVER_PRODUCTS[0];
