// Hand-made minimal bodies that satisfy the OpenAPI document. They are used by
// openapi.selftest.test.mjs (which needs no server) and double as examples of
// the shapes Keyrack must produce (see NOTES.md).

export const WORKSPACE_ID = '0b1b0f8e-6f0a-4d7c-9a59-0c6e1f0f2a11'
export const DEVICE_ID = '6aae9d08-fed6-4ca5-8328-e36849ab48fe'
export const CONNECTED_ACCOUNT_ID = 'c5a1e0b2-3d4f-4a6b-8c9d-0e1f2a3b4c5d'
export const ACCESS_CODE_ID = 'a83690b2-2b70-409a-9a94-426699b84c97'
export const ACTION_ATTEMPT_ID = '3a7f2a52-0b6c-4a55-a3c5-5b9b1d7c6e21'
export const EVENT_ID = 'f1e2d3c4-b5a6-4798-8a7b-6c5d4e3f2a1b'

export const accessCode = () => ({
  access_code_id: ACCESS_CODE_ID,
  workspace_id: WORKSPACE_ID,
  device_id: DEVICE_ID,
  name: 'Front door guest',
  code: '1357',
  common_code_key: null,
  type: 'ongoing',
  status: 'setting',
  starts_at: null,
  ends_at: null,
  created_at: '2025-01-02T03:04:05.678Z',
  errors: [],
  warnings: [],
  is_managed: true,
  is_scheduled_on_device: false,
  is_waiting_for_code_assignment: false,
  pulled_backup_access_code_id: null,
  is_backup: false,
  is_backup_access_code_available: false,
  is_external_modification_allowed: false,
  is_offline_access_code: false,
  is_one_time_use: false,
  pending_mutations: [],
  // not in the OpenAPI schema (extra properties are allowed), see CONTRACT.md
  appearance: { name: 'Front door guest' },
})

export const device = () => ({
  device_id: DEVICE_ID,
  device_type: 'august_lock',
  display_name: 'Front Door',
  nickname: 'Front Door',
  space_ids: [],
  capabilities_supported: ['access_code', 'lock'],
  properties: {
    online: true,
    name: 'Front Door',
    appearance: { name: 'Front Door' },
    model: {
      display_name: 'August Wi-Fi Smart Lock',
      manufacturer_display_name: 'August',
      has_built_in_keypad: false,
      can_connect_accessory_keypad: true,
    },
    manufacturer: 'august',
    locked: true,
    supported_code_lengths: [4, 5, 6, 7, 8],
    max_active_codes_supported: 250,
    code_constraints: [{ constraint_type: 'name_length', min_length: 1, max_length: 40 }],
    supports_backup_access_code_pool: true,
    online_access_codes_enabled: true,
    offline_access_codes_enabled: false,
  },
  connected_account_id: CONNECTED_ACCOUNT_ID,
  workspace_id: WORKSPACE_ID,
  errors: [],
  warnings: [],
  created_at: '2025-01-01T00:00:00.000Z',
  is_managed: true,
  custom_metadata: {},
  can_remotely_lock: true,
  can_remotely_unlock: true,
  can_program_online_access_codes: true,
})

export const event = (eventType = 'access_code.created', extra = {}) => ({
  event_id: EVENT_ID,
  event_type: eventType,
  workspace_id: WORKSPACE_ID,
  created_at: '2025-01-02T03:04:05.678Z',
  occurred_at: '2025-01-02T03:04:05.678Z',
  access_code_id: ACCESS_CODE_ID,
  device_id: DEVICE_ID,
  connected_account_id: CONNECTED_ACCOUNT_ID,
  ...extra,
})

export const actionAttempt = (actionType = 'DELETE_ACCESS_CODE', status = 'pending') => ({
  action_attempt_id: ACTION_ATTEMPT_ID,
  action_type: actionType,
  status,
  result: status === 'success' ? {} : null,
  error: null,
})

export const pagination = () => ({
  has_next_page: false,
  next_page_cursor: null,
  next_page_url: null,
})
